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
        char[]? repaired = null;
        try
        {
            return TryRepair(text, ref repaired, out var length) ? new string(repaired!, 0, length) : text;
        }
        finally
        {
            if (repaired is not null)
            {
                ArrayPool<char>.Shared.Return(repaired);
            }
        }
    }

    /// <summary>
    /// Writes the repaired text into <paramref name="repaired"/> (rented from the shared pool, or
    /// grown there, when too small; the caller returns it) and gives its length, or returns false
    /// when the text is to stay as it is.
    /// </summary>
    /// <remarks>
    /// Runs of ASCII, which map to themselves, are narrowed to bytes in bulk; only the other
    /// characters are looked at one by one, and the first that cannot be part of the UTF-8 ends
    /// the attempt.
    /// </remarks>
    public static bool TryRepair(ReadOnlySpan<char> text, ref char[]? repaired, out int length)
    {
        length = 0;
        var first = text.IndexOfAnyExceptInRange('\0', '\u007F');
        if (first < 0)
        {
            return false;
        }

        byte[]? rented = null;
        Span<byte> bytes = text.Length <= 256 ? stackalloc byte[text.Length] : (rented = ArrayPool<byte>.Shared.Rent(text.Length));
        try
        {
            var need = 0;
            var i = first;
            while (i < text.Length)
            {
                var c = text[i];
                if (c <= '\u007F')
                {
                    // ASCII cannot continue a sequence; a run of it needs no judging.
                    if (need > 0)
                    {
                        return false;
                    }

                    var run = text[i..].IndexOfAnyExceptInRange('\0', '\u007F');
                    var end = run < 0 ? text.Length : i + run;
                    Ascii.FromUtf16(text[i..end], bytes[i..], out _);
                    i = end;
                    continue;
                }

                int b = c <= '\u00FF' ? c : Cp1252Byte(c);
                if (b < 0)
                {
                    return false;
                }

                // Early out on the first character that cannot continue or start a UTF-8 sequence.
                if (need > 0)
                {
                    if ((b & 0xC0) != 0x80)
                    {
                        return false;
                    }

                    need--;
                }
                else
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
                        return false;
                    }
                }

                bytes[i] = (byte)b;
                i++;
            }

            if (need != 0)
            {
                return false;
            }

            // The ASCII before the first other character last: most text that is not double
            // encoded is refused at that character, before the run before it is copied.
            Ascii.FromUtf16(text[..first], bytes, out _);
            var utf8 = bytes[..text.Length];
            if (!Utf8.IsValid(utf8))
            {
                return false;
            }

            // UTF-8 never decodes to more characters than it has bytes.
            if (repaired is null || repaired.Length < utf8.Length)
            {
                if (repaired is not null)
                {
                    ArrayPool<char>.Shared.Return(repaired);
                }

                repaired = ArrayPool<char>.Shared.Rent(utf8.Length);
            }

            length = Encoding.UTF8.GetChars(utf8, repaired);
            return true;
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
