using System.Globalization;
using System.Text;

namespace Syndication.Core.Newsletters;

/// <summary>Text that goes into mail headers and bodies, made safe and short.</summary>
public static class MailText
{
    public const int MaximumHeaderLength = 200;

    /// <summary>
    /// A value for a mail header (subject, display name): every control character, CR and LF
    /// above all (they would end the header and start another, the header injection), and the
    /// Unicode line and paragraph separators become spaces; runs of white space become one; the
    /// result is trimmed and cut to <paramref name="maximumLength"/> characters on a word boundary.
    /// </summary>
    public static string HeaderValue(string? value, int maximumLength = MaximumHeaderLength) =>
        Truncate(SingleLine(value), maximumLength);

    /// <summary>One line of body text: no control characters, white space collapsed, trimmed.</summary>
    public static string SingleLine(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '\u2028' or '\u2029' or '\u200B' or '\uFEFF')
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>At most <paramref name="maximumLength"/> characters, cut at a word and ended with an ellipsis when cut.</summary>
    public static string Truncate(string value, int maximumLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumLength, 2);
        if (value.Length <= maximumLength)
        {
            return value;
        }

        var cut = maximumLength - 1;
        var space = value.LastIndexOf(' ', cut);
        if (space > maximumLength / 2)
        {
            cut = space;
        }
        else if (char.IsLowSurrogate(value[cut]))
        {
            // Never split a surrogate pair (an emoji, a rare CJK character).
            cut--;
        }

        return value[..cut].TrimEnd() + "\u2026";
    }

    /// <summary>The date as readers of an English newsletter expect it: <c>Wednesday, 25 November 2026</c>.</summary>
    public static string LongDate(DateOnly date) => date.ToString("dddd, d MMMM yyyy", CultureInfo.InvariantCulture);
}
