using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Syndication.Core.Feeds;

/// <summary>Plain text and dates as feeds need them.</summary>
public static partial class FeedText
{
    /// <summary>
    /// Plain text of a title, byline or summary: no tags, no entities (decoded, also when an
    /// agency double-escaped them), one space between words, nothing XML forbids. Readers treat
    /// an RSS title as HTML or as text depending on the reader, so only text that means the same
    /// to both is safe.
    /// </summary>
    public static string Plain(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var value = XmlText.Clean(text);

        // Decoding can reveal tags ("&lt;b&gt;") and double escapes ("&amp;amp;"); a few rounds
        // settle any text a person or an agency's system wrote.
        for (var round = 0; round < 4; round++)
        {
            var before = value;
            if (value.Contains('<', StringComparison.Ordinal))
            {
                // What a script or style element holds is code, not words: dropped with the element.
                value = Tag().Replace(ScriptOrStyle().Replace(value, " "), " ");
            }

            if (value.Contains('&', StringComparison.Ordinal))
            {
                value = WebUtility.HtmlDecode(value);
            }

            if (before == value)
            {
                break;
            }
        }

        return Fold(XmlText.Clean(value));
    }

    /// <summary>Plain text of an HTML body cut at a word boundary: the summary of an entry that has none.</summary>
    public static string Excerpt(string html, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = Plain(html);
        if (text.Length <= maxChars)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', Math.Max(0, maxChars - 1));
        return string.Concat(text.AsSpan(0, cut > maxChars / 2 ? cut : maxChars - 1).TrimEnd(), "\u2026");
    }

    private const string Rfc822Format = "ddd, dd MMM yyyy HH:mm:ss +0000";
    private const string Rfc3339Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'";

    /// <summary>RFC 822 date as RSS wants it, in GMT with the weekday that matches.</summary>
    public static string Rfc822(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString(Rfc822Format, CultureInfo.InvariantCulture);

    /// <summary>
    /// RFC 3339 date in UTC to the second, as Atom and JSON Feed want it. Seconds only, like RSS,
    /// so every format and every parser agrees on the same instant.
    /// </summary>
    public static string Rfc3339(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString(Rfc3339Format, CultureInfo.InvariantCulture);

    /// <summary><see cref="Rfc822(DateTimeOffset)"/> into a caller's buffer (of 31 characters or more), for writing without a string.</summary>
    internal static ReadOnlySpan<char> Rfc822(DateTimeOffset instant, Span<char> buffer) =>
        instant.UtcDateTime.TryFormat(buffer, out var written, Rfc822Format, CultureInfo.InvariantCulture) ? buffer[..written] : Rfc822(instant);

    /// <summary><see cref="Rfc3339(DateTimeOffset)"/> into a caller's buffer (of 20 characters or more).</summary>
    internal static ReadOnlySpan<char> Rfc3339(DateTimeOffset instant, Span<char> buffer) =>
        instant.UtcDateTime.TryFormat(buffer, out var written, Rfc3339Format, CultureInfo.InvariantCulture) ? buffer[..written] : Rfc3339(instant);

    private static string Fold(string text)
    {
        var span = text.AsSpan();
        var needsFold = span.Length > 0 && (char.IsWhiteSpace(span[0]) || char.IsWhiteSpace(span[^1]));
        for (var i = 1; !needsFold && i < span.Length; i++)
        {
            needsFold = char.IsWhiteSpace(span[i]) && (span[i] != ' ' || char.IsWhiteSpace(span[i - 1]));
        }

        return needsFold ? string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) : text;
    }

    // A tag, an end tag, a comment or a declaration; a lone "<" as in "5 < 6" is text and stays.
    // Both patterns run on the automaton engine: time linear in the text whatever it holds (with
    // backtracking, thousands of unclosed "<!--" or "<script" cost time quadratic in their number).
    [GeneratedRegex(@"<script\b[^>]*>.*?(?:</script\s*>|$)|<style\b[^>]*>.*?(?:</style\s*>|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<(?:/?[A-Za-z][^<>]*|!--.*?--|![A-Za-z][^<>]*)>", RegexOptions.Singleline | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Tag();
}
