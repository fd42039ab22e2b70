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
        var span = text.AsSpan();
        if (span.IndexOfAny(Forbidden) < 0 && !HasLoneSurrogate(span))
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

    private static bool HasLoneSurrogate(ReadOnlySpan<char> span)
    {
        var at = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (at >= 0)
        {
            if (!char.IsHighSurrogate(span[at]) || at + 1 >= span.Length || !char.IsLowSurrogate(span[at + 1]))
            {
                return true;
            }

            span = span[(at + 2)..];
            at = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        }

        return false;
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
                value = Tag().Replace(value, " ");
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

    /// <summary>RFC 822 date as RSS wants it, in GMT with the weekday that matches.</summary>
    public static string Rfc822(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);

    /// <summary>
    /// RFC 3339 date in UTC to the second, as Atom and JSON Feed want it. Seconds only, like RSS,
    /// so every format and every parser agrees on the same instant.
    /// </summary>
    public static string Rfc3339(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

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
    [GeneratedRegex(@"<(?:/?[A-Za-z][^<>]*|!--.*?--|![A-Za-z][^<>]*)>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}

/// <summary>HTML bodies as feeds need them: links absolute, CDATA-safe.</summary>
public static class FeedHtml
{
    // Attributes whose value is a URL (srcset is a list of them).
    private static readonly string[] UrlAttributes = ["href", "src", "srcset", "poster", "cite", "action", "background", "longdesc", "formaction"];

    /// <summary>
    /// Makes every relative URL in tag attributes absolute against <paramref name="baseUrl"/> (the
    /// entry's URL). Readers resolve relative links against the feed's URL, not the article's, so
    /// "/img/a.jpg" in a feed would break; the W3C validator flags them too. Returns the same
    /// string when nothing changes.
    /// </summary>
    public static string AbsolutizeLinks(string html, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(baseUrl);
        List<(int Start, int Length, string Value)>? edits = null;
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0)
        {
            i++;
            if (i >= html.Length)
            {
                break;
            }

            if (html[i] == '!')
            {
                // Comment, CDATA or doctype: skip it whole, its text is no markup.
                var end = html.AsSpan(i).StartsWith("!--") ? html.IndexOf("-->", i, StringComparison.Ordinal) : html.IndexOf('>', i);
                i = end < 0 ? html.Length : end + 1;
                continue;
            }

            if (!char.IsAsciiLetter(html[i]))
            {
                continue;
            }

            // Tag name, then attributes until '>', quotes honoured (a '>' inside a value is text).
            while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] is not ('>' or '/'))
            {
                i++;
            }

            while (i < html.Length && html[i] != '>')
            {
                if (char.IsWhiteSpace(html[i]) || html[i] == '/')
                {
                    i++;
                    continue;
                }

                var nameStart = i;
                while (i < html.Length && !char.IsWhiteSpace(html[i]) && html[i] is not ('=' or '>' or '/'))
                {
                    i++;
                }

                var name = html.AsSpan(nameStart, i - nameStart);
                while (i < html.Length && char.IsWhiteSpace(html[i]))
                {
                    i++;
                }

                if (i >= html.Length || html[i] != '=')
                {
                    continue;
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

                int valueStart, valueEnd, next;
                var quoted = html[i] is '"' or '\'';
                if (quoted)
                {
                    var quote = html[i];
                    valueStart = i + 1;
                    valueEnd = html.IndexOf(quote, valueStart);
                    if (valueEnd < 0)
                    {
                        valueEnd = html.Length;
                    }

                    next = Math.Min(valueEnd + 1, html.Length);
                }
                else
                {
                    valueStart = i;
                    valueEnd = i;
                    while (valueEnd < html.Length && !char.IsWhiteSpace(html[valueEnd]) && html[valueEnd] != '>')
                    {
                        valueEnd++;
                    }

                    next = valueEnd;
                }

                if (IsUrlAttribute(name))
                {
                    var raw = html[valueStart..valueEnd];
                    var isSrcset = name.Equals("srcset", StringComparison.OrdinalIgnoreCase);
                    if (Resolve(raw, baseUrl, isSrcset) is { } resolved)
                    {
                        // The whole value with its quotes, re-quoted with double quotes.
                        var start = quoted ? valueStart - 1 : valueStart;
                        (edits ??= []).Add((start, next - start, "\"" + WebUtility.HtmlEncode(resolved) + "\""));
                    }
                }

                i = next;
            }
        }

        if (edits is null)
        {
            return html;
        }

        var builder = new StringBuilder(html.Length + (edits.Count * 32));
        var at = 0;
        foreach (var (start, length, value) in edits)
        {
            builder.Append(html, at, start - at).Append(value);
            at = start + length;
        }

        return builder.Append(html, at, html.Length - at).ToString();
    }

    /// <summary>
    /// Writes text as CDATA, splitting it where it contains "]]>" (which would end the section):
    /// "a]]>b" becomes <c>&lt;![CDATA[a]]]]&gt;&lt;![CDATA[&gt;b]]&gt;</c>, which every XML parser joins back.
    /// </summary>
    public static void WriteCData(System.Xml.XmlWriter xml, string text)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        int end;
        while ((end = text.IndexOf("]]>", start, StringComparison.Ordinal)) >= 0)
        {
            xml.WriteCData(text[start..(end + 2)]);
            start = end + 2;
        }

        xml.WriteCData(start == 0 ? text : text[start..]);
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
    private static string? Resolve(string raw, Uri baseUrl, bool isSrcset)
    {
        var value = raw.Contains('&', StringComparison.Ordinal) ? WebUtility.HtmlDecode(raw) : raw;
        if (!isSrcset)
        {
            return ResolveOne(value.Trim(), baseUrl);
        }

        // "a.jpg 1x, /b.jpg 2x": each candidate is a URL and an optional descriptor.
        var changed = false;
        var candidates = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var c = 0; c < candidates.Length; c++)
        {
            var space = candidates[c].IndexOfAny([' ', '\t', '\n']);
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
    internal static bool HasScheme(string value)
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
