using System.Collections.Frozen;

namespace Syndication.Core.Ingestion.Normalization;

/// <summary>
/// What an HTML fragment may hold before AngleSharp builds a tree of it (for HtmlSanitizer and for
/// plain text). HTML allows unbounded structure, and building and walking the tree of a deeply
/// nested fragment costs time growing with depth for every element (tens of seconds for a body of
/// nested unclosed tags). A linear scan first estimates the depth as a browser would nest the tags
/// (void elements and raw text skipped, an open <c>p</c>, <c>li</c> or cell closed by its sibling,
/// end tags closing what they match) and counts elements and attributes; past a limit the input is
/// rejected with a reason naming it, below them the parse costs a bounded amount per character.
/// </summary>
public static class HtmlLimits
{
    /// <summary>Elements open inside one another. Real article bodies stay under 30.</summary>
    public const int MaxDepth = 256;

    /// <summary>
    /// Tags in one fragment: a long read has two or three thousand. HtmlSanitizer's walk of long runs
    /// of siblings costs more than linear time (docs/security.md, "Bounded work for any input"), so
    /// this limit is what bounds it.
    /// </summary>
    public const int MaxElements = 10_000;

    /// <summary>Attributes on one tag.</summary>
    public const int MaxAttributesPerElement = 64;

    private static readonly FrozenSet<string> Void = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame", "image");

    private static readonly FrozenSet<string> RawText = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext");

    // Opening one of these closes an open one of the same group at the top.
    private static readonly FrozenDictionary<string, string> SiblingGroups = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["p"] = "p",
        ["li"] = "li",
        ["dt"] = "d",
        ["dd"] = "d",
        ["option"] = "option",
        ["optgroup"] = "optgroup",
        ["tr"] = "tr",
        ["td"] = "cell",
        ["th"] = "cell",
        ["thead"] = "section",
        ["tbody"] = "section",
        ["tfoot"] = "section",
        ["rt"] = "r",
        ["rp"] = "r",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Refuses a fragment past a limit; <paramref name="what"/> names it in the reason ("The body").</summary>
    public static void Check(string html, string what = "The HTML")
    {
        ArgumentNullException.ThrowIfNull(html);
        var span = html.AsSpan();
        if (span.IndexOf('<') < 0)
        {
            return;
        }

        var open = new List<string>();
        var foreign = 0; // depth inside svg or math, where "/>" closes a tag
        var elements = 0;
        var i = 0;
        while (true)
        {
            var lt = span[i..].IndexOf('<');
            if (lt < 0)
            {
                return;
            }

            i += lt + 1;
            if (i >= span.Length)
            {
                return;
            }

            if (span[i..].StartsWith("!--"))
            {
                var end = span[(i + 3)..].IndexOf("-->");
                if (end < 0)
                {
                    return;
                }

                i += 3 + end + 3;
                continue;
            }

            var closing = span[i] == '/';
            var nameStart = closing ? i + 1 : i;
            if (nameStart >= span.Length || !char.IsAsciiLetter(span[nameStart]))
            {
                continue; // text, a doctype or a processing instruction: no element
            }

            var nameEnd = nameStart;
            while (nameEnd < span.Length && !char.IsWhiteSpace(span[nameEnd]) && span[nameEnd] is not ('/' or '>'))
            {
                nameEnd++;
            }

            var name = span[nameStart..nameEnd].ToString();
            var (tagEnd, attributes, selfClosing) = ScanTag(span, nameEnd);
            i = tagEnd;
            if (closing)
            {
                var at = open.FindLastIndex(o => o.Equals(name, StringComparison.OrdinalIgnoreCase));
                if (at >= 0)
                {
                    for (var k = open.Count - 1; k >= at; k--)
                    {
                        if (IsForeignRoot(open[k]))
                        {
                            foreign--;
                        }
                    }

                    open.RemoveRange(at, open.Count - at);
                }

                continue;
            }

            if (++elements > MaxElements)
            {
                throw new RejectedInputException($"{what} has more than {MaxElements:N0} elements, the limit.");
            }

            if (attributes > MaxAttributesPerElement)
            {
                throw new RejectedInputException($"{what} has a <{Shown(name)}> with {attributes:N0} attributes, over the limit of {MaxAttributesPerElement}.");
            }

            if (RawText.Contains(name))
            {
                if (!selfClosing || foreign == 0)
                {
                    var end = span[i..].IndexOf(("</" + name).AsSpan(), StringComparison.OrdinalIgnoreCase);
                    if (end < 0)
                    {
                        return;
                    }

                    i += end;
                }

                continue;
            }

            if (Void.Contains(name) || (selfClosing && foreign > 0))
            {
                continue;
            }

            if (SiblingGroups.TryGetValue(name, out var group) && open.Count > 0
                && SiblingGroups.TryGetValue(open[^1], out var topGroup) && topGroup == group)
            {
                open.RemoveAt(open.Count - 1);
            }

            if (IsForeignRoot(name))
            {
                foreign++;
            }

            open.Add(name);
            if (open.Count > MaxDepth)
            {
                throw new RejectedInputException($"{what} nests elements more than {MaxDepth} deep, the limit.");
            }
        }
    }

    private static bool IsForeignRoot(string name) =>
        name.Equals("svg", StringComparison.OrdinalIgnoreCase) || name.Equals("math", StringComparison.OrdinalIgnoreCase);

    private static string Shown(string name) => name.Length > 20 ? name[..20] : name;

    /// <summary>From after a tag's name to after its '>': how many attributes, and whether it ends "/>".</summary>
    private static (int End, int Attributes, bool SelfClosing) ScanTag(ReadOnlySpan<char> span, int i)
    {
        var attributes = 0;
        while (i < span.Length)
        {
            var c = span[i];
            if (c == '>')
            {
                return (i + 1, attributes, i > 0 && span[i - 1] == '/');
            }

            if (char.IsWhiteSpace(c) || c == '/')
            {
                i++;
                continue;
            }

            // An attribute: a name, then perhaps '=' and a value, quoted or not.
            attributes++;
            while (i < span.Length && !char.IsWhiteSpace(span[i]) && span[i] is not ('=' or '>' or '/'))
            {
                i++;
            }

            while (i < span.Length && char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            if (i < span.Length && span[i] == '=')
            {
                i++;
                while (i < span.Length && char.IsWhiteSpace(span[i]))
                {
                    i++;
                }

                if (i < span.Length && span[i] is '"' or '\'')
                {
                    var quote = span[i];
                    var close = span[(i + 1)..].IndexOf(quote);
                    i = close < 0 ? span.Length : i + 1 + close + 1;
                }
                else
                {
                    while (i < span.Length && !char.IsWhiteSpace(span[i]) && span[i] != '>')
                    {
                        i++;
                    }
                }
            }
        }

        return (span.Length, attributes, false);
    }
}
