using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Syndication.Core.Ingestion.Feeds;

/// <summary>
/// Undoes double-encoded UTF-8 ("KÃ¤ltewelle" for "Kältewelle", "Ð¯Ð½Ð´ÐµÐºÑ" for "Яндекс"): text
/// that a publisher's system read as windows-1252 and wrote out again as UTF-8. Several corpus
/// feeds (FAZ, Spiegel, Le Monde, Yandex, Indian Express, ...) are like this in some or all items.
/// </summary>
/// <remarks>
/// feedparser does the same for UTF-8 documents but only when every character is Latin-1, so it
/// leaves "â€ž" (a „ read as windows-1252) and all of Yandex's Cyrillic broken. Here the
/// windows-1252 characters map back to their bytes too. A string is changed only when all of its
/// non-ASCII characters map back to bytes that form valid UTF-8, which real text written as such
/// practically never does (a lead byte like "Ã" must be followed by exactly the right continuation characters).
/// </remarks>
internal static class Mojibake
{
    public static string Repair(string text)
    {
        var span = text.AsSpan();
        var first = span.IndexOfAnyExceptInRange('\0', '\u007F');
        if (first < 0)
        {
            return text;
        }

        byte[]? rented = null;
        Span<byte> bytes = span.Length <= 256 ? stackalloc byte[span.Length] : (rented = ArrayPool<byte>.Shared.Rent(span.Length));
        try
        {
            var need = 0;
            for (var i = 0; i < span.Length; i++)
            {
                var c = span[i];
                int b = c <= '\u00FF' ? c : Cp1252Byte(c);
                if (b < 0)
                {
                    return text;
                }

                // Early out on the first character that cannot continue or start a UTF-8 sequence.
                if (need > 0)
                {
                    if ((b & 0xC0) != 0x80)
                    {
                        return text;
                    }

                    need--;
                }
                else if (b >= 0x80)
                {
                    need = b switch
                    {
                        >= 0xC2 and <= 0xDF => 1,
                        >= 0xE0 and <= 0xEF => 2,
                        >= 0xF0 and <= 0xF4 => 3,
                        _ => -1,
                    };
                    if (need < 0)
                    {
                        return text;
                    }
                }

                bytes[i] = (byte)b;
            }

            var utf8 = bytes[..span.Length];
            return need == 0 && Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : text;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The windows-1252 byte of a character outside Latin-1, or -1.</summary>
    private static int Cp1252Byte(char c) => c switch
    {
        '\u20AC' => 0x80,
        '\u201A' => 0x82,
        '\u0192' => 0x83,
        '\u201E' => 0x84,
        '\u2026' => 0x85,
        '\u2020' => 0x86,
        '\u2021' => 0x87,
        '\u02C6' => 0x88,
        '\u2030' => 0x89,
        '\u0160' => 0x8A,
        '\u2039' => 0x8B,
        '\u0152' => 0x8C,
        '\u017D' => 0x8E,
        '\u2018' => 0x91,
        '\u2019' => 0x92,
        '\u201C' => 0x93,
        '\u201D' => 0x94,
        '\u2022' => 0x95,
        '\u2013' => 0x96,
        '\u2014' => 0x97,
        '\u02DC' => 0x98,
        '\u2122' => 0x99,
        '\u0161' => 0x9A,
        '\u203A' => 0x9B,
        '\u0153' => 0x9C,
        '\u017E' => 0x9E,
        '\u0178' => 0x9F,
        _ => -1,
    };
}
