using System.Buffers;
using System.Net;
using System.Text;

namespace Syndication.Core.Feeds;

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
