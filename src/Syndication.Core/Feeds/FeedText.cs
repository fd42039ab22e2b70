using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

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

    /// <summary>
    /// One vectorised pass for anything outside U+0020-U+D7FF, the range nearly all text stays in;
    /// each character found there (a line break, a surrogate pair, U+E000 and up) is looked at on
    /// its own. The same answer as looking for <see cref="Forbidden"/> and for lone surrogates
    /// apart, in one pass over the text instead of two.
    /// </summary>
    private static bool IsClean(ReadOnlySpan<char> span)
    {
        int at;
        while ((at = span.IndexOfAnyExceptInRange('\u0020', '\uD7FF')) >= 0)
        {
            var c = span[at];
            if (c is '\t' or '\n' or '\r' or (>= '\uE000' and <= '\uFFFD'))
            {
                span = span[(at + 1)..];
            }
            else if (char.IsHighSurrogate(c) && at + 1 < span.Length && char.IsLowSurrogate(span[at + 1]))
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

/// <summary>HTML bodies as feeds need them: every link absolute.</summary>
public static class FeedHtml
{
    // Attributes whose value is a URL (srcset is a list of them).
    private static readonly string[] UrlAttributes = ["href", "src", "srcset", "poster", "cite", "action", "background", "longdesc", "formaction"];

    // Inside a tag, what matters: its end, an attribute's '=', or a stray quote.
    private static readonly SearchValues<char> TagStops = SearchValues.Create("=>\"'");

    /// <summary>
    /// Makes every relative URL in tag attributes absolute against <paramref name="baseUrl"/> (the
    /// entry's URL). Readers resolve relative links against the feed's URL, not the article's, so
    /// "/img/a.jpg" in a feed would break; the W3C validator flags them too. Returns the same
    /// string, allocating nothing, when every link is absolute already (the usual case).
    /// </summary>
    public static string AbsolutizeLinks(string html, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(baseUrl);
        return AllLinksAbsolute(html) ? html : Rewrite(html, baseUrl);
    }

    /// <summary>
    /// The fast check: a vectorised search for '=' (a single character, far cheaper to find than
    /// nine attribute names), and for each one the word before it and the value after it. It looks
    /// at more than the rewrite does (an '=' in text, a comment or another value counts too), so
    /// "true" is certain; on "false" the rewrite goes through the markup properly.
    /// </summary>
    private static bool AllLinksAbsolute(string html)
    {
        var offset = 0;
        int hit;
        while ((hit = html.AsSpan(offset).IndexOf('=')) >= 0)
        {
            var equals = offset + hit;
            offset = equals + 1;

            // The attribute's name: the letters before the '=' (white space between allowed),
            // preceded by what the rewrite stops a name at (white space, '<', '/', a quote).
            var nameEnd = equals;
            while (nameEnd > 0 && char.IsWhiteSpace(html[nameEnd - 1]))
            {
                nameEnd--;
            }

            var at = nameEnd;
            while (at > 0 && char.IsAsciiLetter(html[at - 1]))
            {
                at--;
            }

            var name = html.AsSpan(at, nameEnd - at);
            if ((at > 0 && !(char.IsWhiteSpace(html[at - 1]) || html[at - 1] is '<' or '/' or '"' or '\'')) || !IsUrlAttribute(name))
            {
                continue;
            }

            var i = equals + 1;
            while (i < html.Length && char.IsWhiteSpace(html[i]))
            {
                i++;
            }

            var value = html.AsSpan(i);
            if (value.Length > 0 && value[0] is '"' or '\'')
            {
                var closing = value[1..].IndexOf(value[0]);
                value = closing < 0 ? value[1..] : value.Slice(1, closing);
            }
            else
            {
                var end = value.IndexOfAny(" \t\n\r>");
                value = end < 0 ? value : value[..end];
            }

            if (value.Contains('&'))
            {
                return false;
            }

            if (!name.Equals("srcset", StringComparison.OrdinalIgnoreCase))
            {
                if (!IsAbsoluteOrEmpty(value))
                {
                    return false;
                }

                continue;
            }

            // "a.jpg 1x, https://b/c.jpg 2x": the URL of each candidate is before its first space.
            foreach (var range in value.Split(','))
            {
                var candidate = value[range].Trim();
                var space = candidate.IndexOfAny(" \t\n\r");
                if (!IsAbsoluteOrEmpty(space < 0 ? candidate : candidate[..space]))
                {
                    return false;
                }
            }
        }

        return true;

        static bool IsAbsoluteOrEmpty(ReadOnlySpan<char> url)
        {
            url = url.Trim();
            return url.IsEmpty || HasScheme(url);
        }
    }

    /// <summary>The rewrite: from '&lt;' to '=' to '&gt;' with vectorised searches, quotes honoured, comments skipped.</summary>
    private static string Rewrite(string html, Uri baseUrl)
    {
        List<(int Start, int End, string Value)>? edits = null;
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0 && ++i < html.Length)
        {
            if (html[i] == '!')
            {
                // Comment, CDATA or doctype: skip it whole, its text is no markup.
                var close = html.AsSpan(i).StartsWith("!--") ? html.IndexOf("-->", i, StringComparison.Ordinal) : html.IndexOf('>', i);
                i = close < 0 ? html.Length : close + 1;
                continue;
            }

            if (!char.IsAsciiLetter(html[i]))
            {
                continue;
            }

            // Attributes until '>'; quotes honoured, so a '>' inside a value is text.
            while (i < html.Length)
            {
                var stop = html.AsSpan(i).IndexOfAny(TagStops);
                if (stop < 0)
                {
                    i = html.Length;
                    break;
                }

                i += stop;
                if (html[i] == '>')
                {
                    i++;
                    break;
                }

                if (html[i] is '"' or '\'')
                {
                    var unmatched = html.IndexOf(html[i], i + 1);
                    i = unmatched < 0 ? html.Length : unmatched + 1;
                    continue;
                }

                // '=': the attribute's name is the word before it, its value what follows.
                var nameEnd = i;
                while (nameEnd > 0 && char.IsWhiteSpace(html[nameEnd - 1]))
                {
                    nameEnd--;
                }

                var nameStart = nameEnd;
                while (nameStart > 0 && !char.IsWhiteSpace(html[nameStart - 1]) && html[nameStart - 1] is not ('<' or '"' or '\'' or '/'))
                {
                    nameStart--;
                }

                i++;
                while (i < html.Length && char.IsWhiteSpace(html[i]))
                {
                    i++;
                }

                if (i >= html.Length)
                {
                    break;
                }

                int start, valueStart, valueEnd;
                if (html[i] is '"' or '\'')
                {
                    start = i;
                    valueStart = i + 1;
                    var closing = html.IndexOf(html[i], valueStart);
                    valueEnd = closing < 0 ? html.Length : closing;
                    i = closing < 0 ? html.Length : closing + 1;
                }
                else
                {
                    start = valueStart = i;
                    while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] != '>')
                    {
                        i++;
                    }

                    valueEnd = i;
                }

                var name = html.AsSpan(nameStart, nameEnd - nameStart);
                if (IsUrlAttribute(name) && Resolve(html.AsSpan(valueStart, valueEnd - valueStart), baseUrl, name.Equals("srcset", StringComparison.OrdinalIgnoreCase)) is { } resolved)
                {
                    // The whole value with its quotes, re-quoted with double quotes.
                    (edits ??= []).Add((start, i, "\"" + WebUtility.HtmlEncode(resolved) + "\""));
                }
            }
        }

        if (edits is null)
        {
            return html;
        }

        var builder = new StringBuilder(html.Length + (edits.Count * 32));
        var at = 0;
        foreach (var (start, end, value) in edits)
        {
            builder.Append(html, at, start - at).Append(value);
            at = end;
        }

        return builder.Append(html, at, html.Length - at).ToString();
    }

    private static bool IsUrlAttribute(ReadOnlySpan<char> name)
    {
        foreach (var candidate in UrlAttributes)
        {
            if (name.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The absolute form of a relative attribute value; null when it is absolute already (or empty).</summary>
    private static string? Resolve(ReadOnlySpan<char> raw, Uri baseUrl, bool isSrcset)
    {
        raw = raw.Trim();
        if (!isSrcset && (raw.IsEmpty || (HasScheme(raw) && !raw.Contains('&'))))
        {
            return null;
        }

        var value = raw.Contains('&') ? WebUtility.HtmlDecode(raw.ToString()) : raw.ToString();
        if (!isSrcset)
        {
            return ResolveOne(value.Trim(), baseUrl);
        }

        // "a.jpg 1x, /b.jpg 2x": each candidate is a URL and an optional descriptor.
        var changed = false;
        var candidates = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var c = 0; c < candidates.Length; c++)
        {
            var space = candidates[c].AsSpan().IndexOfAny(' ', '\t', '\n');
            var url = space < 0 ? candidates[c] : candidates[c][..space];
            if (ResolveOne(url, baseUrl) is { } absolute)
            {
                candidates[c] = space < 0 ? absolute : absolute + candidates[c][space..];
                changed = true;
            }
        }

        return changed ? string.Join(", ", candidates) : null;
    }

    private static string? ResolveOne(string value, Uri baseUrl)
    {
        if (value.Length == 0 || HasScheme(value))
        {
            return null;
        }

        // Not Uri.TryCreate(value, Absolute): on Unix "/path" parses as an absolute file:// URI.
        return Uri.TryCreate(baseUrl, value, out var absolute) ? absolute.AbsoluteUri : null;
    }

    /// <summary>"https:", "mailto:", "data:"... : RFC 3986 scheme, then a colon, before any '/', '?' or '#'.</summary>
    internal static bool HasScheme(ReadOnlySpan<char> value)
    {
        if (value.Length == 0 || !char.IsAsciiLetter(value[0]))
        {
            return false;
        }

        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == ':')
            {
                return true;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return false;
            }
        }

        return false;
    }
}
