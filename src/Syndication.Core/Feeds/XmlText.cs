using System.Buffers;
using System.Text;

namespace Syndication.Core.Feeds;

/// <summary>Text safe to put in XML: characters XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/F) are dropped.</summary>
public static class XmlText
{
    // Everything below U+0020 but tab, LF and CR, and the two non-characters; surrogates are checked apart.
    private static readonly SearchValues<char> Forbidden = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\uFFFE\uFFFF");

    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Fast path (vectorised, no allocation): nearly every text is clean already.
        if (IsClean(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    builder.Append(c).Append(text[i + 1]);
                    i++;
                }
            }
            else if (!char.IsLowSurrogate(c) && !Forbidden.Contains(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>What <see cref="IsClean"/> stops at: <see cref="Forbidden"/> and every surrogate.</summary>
    private static readonly SearchValues<char> ForbiddenOrSurrogate = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\uFFFE\uFFFF" +
        string.Create(0xE000 - 0xD800, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)(0xD800 + i);
            }
        }));

    /// <summary>
    /// One vectorised pass for the forbidden characters and surrogates together; only a surrogate
    /// is looked at on its own (a pair is fine). Line breaks and tabs, which bodies are full of,
    /// are not stopped at.
    /// </summary>
    private static bool IsClean(ReadOnlySpan<char> span)
    {
        int at;
        while ((at = span.IndexOfAny(ForbiddenOrSurrogate)) >= 0)
        {
            var c = span[at];
            if (char.IsHighSurrogate(c) && at + 1 < span.Length && char.IsLowSurrogate(span[at + 1]))
            {
                span = span[(at + 2)..];
            }
            else
            {
                return false; // a control character, U+FFFE/F or a lone surrogate
            }
        }

        return true;
    }
}
