using System.Text;
using CsCheck;
using Syndication.Tests.Fuzzing;

namespace Syndication.Tests.Hostile;

/// <summary>
/// Structure-aware fuzzing: byte mutations of real inputs (<see cref="ParserFuzzTests"/>) never
/// nested deep enough to reach Markdig's depth limit. These generators build each format's own
/// structure: they nest its openers hundreds deep, repeat its elements thousands of times, multiply
/// distinct keys and run one character on, and mix those shapes. The property is each door's
/// contract: a result, or a refusal with a reason; no other exception, no crash of the process.
/// How long each door takes on such input is <see cref="ParserScalingTests"/>' business.
/// </summary>
/// <remarks>
/// CI runs <see cref="Fuzz.Iterations"/> inputs per door (300); <c>SYNDICATION_FUZZ_ITERATIONS</c>
/// runs a longer campaign (docs/security.md has the last one's numbers).
/// </remarks>
public sealed class StructuredFuzzTests
{
    /// <summary>The pieces each format is made of: openers with their closers, and leaves.</summary>
    private static readonly Dictionary<string, (string[] Open, string[] Close, string[] Leaf)> Grammar = new()
    {
        ["markdown"] = (
            ["> ", "- ", "1. ", "  ", "*", "_", "~~", "[", "![", "**", "`", "<div>", "| ", "[^", "$", "==", "^", "++", ":::"],
            ["", "", "", "", "*", "_", "~~", "](u)", "](i)", "**", "`", "</div>", " |", "]", "$", "==", "^", "++", ":::"],
            ["text", "\n", "\n\n", "# h\n", "---\n", "|-|-|\n", "[a]: u\n", "*[a]: b\n", "<", "&amp;", "\\", "{#id .c}", "\t", "  \n"]),
        ["yaml"] = (
            ["[", "{a: ", "- ", "  ", "&a ", "? ", "!!seq [", "\""],
            ["]", "}", "", "", "", ": x", "]", "\""],
            ["x", "*a", "\n", ": ", ", ", "k{i}: v\n", "|\n  ", ">-\n  ", "'", "#"]),
        ["html"] = (
            ["<div>", "<b>", "<i>", "<a href=u>", "<table><tr><td>", "<p>", "<li>", "<svg>", "<math>", "<span style=\"color:red\">", "<!--", "<script>", "<select>", "<font>", "<template>"],
            ["</div>", "</b>", "</i>", "</a>", "</td></tr></table>", "</p>", "</li>", "</svg>", "</math>", "</span>", "-->", "</script>", "</select>", "</font>", "</template>"],
            ["x", "<img src=u>", "<br>", "&lt;", "&#0;", "<p a{i}=v>", "</b>", "</div>", "<", "\"", "<x y=\"", "<path/>", "<!--x-->"]),
        ["json"] = (
            ["[", "{\"a\":", "{\"k{i}\":"],
            ["]", "}", "}"],
            ["1", "\"x\"", ",", "null", "\"\\ud800\"", "1e999", "\"k{i}\"", "true", "\"<p>\""]),
        ["xml"] = (
            ["<x>", "<item>", "<entry>", "<description>", "<![CDATA[", "<x a{i}=\"v\">", "<title>", "<content type=\"html\">"],
            ["</x>", "</item>", "</entry>", "</description>", "]]>", "</x>", "</title>", "</content>"],
            ["t", "&lt;div&gt;", "&amp;", "<link>https://a.example/{i}</link>", "<guid>g{i}</guid>", "<pubDate>Mon, 31 Feb 2026 25:00:00 XYZ</pubDate>", "&#0;", "<"]),
        ["views"] = (
            ["{\"ts\":\"2026-11-25T08:00:00Z\",\"article\":\"", "{\"x\":"],
            ["\",\"edition\":\"e{i}\",\"session\":\"s{i}\",\"agent\":\"browser\"}\n", "}\n"],
            ["a{i}", "\\u0000", "\\\"", "\n", "{", "\"", "bot", "india"]),
        ["csv"] = (
            ["\"", "\"\""],
            ["\"", "\"\""],
            ["r{i}@example.com", ",", "india", "daily", "confirmed", "\n", "\r\n", "\u0000", "x", ";"]),
    };

    [Fact]
    public void Markdown_built_to_nest_repeat_and_multiply_is_read_or_refused_with_a_reason() =>
        Check("markdown", s => "---\nuri: urn:x\nheadline: H\n---\n" + s);

    [Fact]
    public void Front_matter_built_to_nest_alias_and_multiply_is_read_or_refused_with_a_reason() =>
        Check("yaml", s => "---\nuri: urn:x\nheadline: H\nx: " + s + "\n---\nbody\n", door: "markdown");

    [Fact]
    public void Ninjs_bodies_built_to_nest_repeat_and_multiply_are_read_or_refused_with_a_reason() =>
        Check("html", s => Encoding.UTF8.GetString(HostileShape.NinjsWith(s, "")), door: "ninjs");

    [Fact]
    public void Ninjs_json_built_to_nest_and_multiply_keys_is_read_or_refused_with_a_reason() =>
        Check("json", s => "{\"x\":" + s + ",\"uri\":\"urn:x\",\"headline\":\"H\",\"body_html\":\"<p>x</p>\"}", door: "ninjs");

    [Fact]
    public void Agency_feeds_built_to_nest_repeat_and_multiply_are_read_or_refused_with_a_reason() =>
        Check("xml", s => "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>" + s + "</channel></rss>", door: "feed");

    [Fact]
    public void Page_view_logs_built_to_multiply_editions_sessions_and_articles_count_every_line() =>
        Check("views", s => s, door: "pageviews");

    [Fact]
    public void Subscriber_csv_built_with_huge_fields_and_stray_quotes_reads_every_line_or_says_why() =>
        Check("csv", s => "email,edition,sectors,cadence,status\n" + s, door: "csv");

    [Fact]
    public void Webhook_bodies_built_to_nest_and_multiply_are_parsed_or_refused() =>
        Check("json", s => "[{\"email\":\"a@example.com\",\"timestamp\":1,\"event\":\"open\",\"x\":" + s + "}," + s + "]", door: "webhook");

    private static void Check(string grammar, Func<string, string> wrap, string? door = null)
    {
        Input(Grammar[grammar]).Sample(
            body => Doors.Run(door ?? grammar, Encoding.UTF8.GetBytes(wrap(body))),
            iter: Fuzz.Iterations,
            threads: 1,
            print: body => $"{body.Length:N0} characters: {(body.Length > 300 ? body[..300] + "..." : body)}");
    }

    /// <summary>One to four shapes, each nested, repeated, keyed or run, of the grammar's pieces, up to some 200,000 characters.</summary>
    private static Gen<string> Input((string[] Open, string[] Close, string[] Leaf) g)
    {
        var shape =
            from kind in Gen.Int[0, 4]
            from pick in Gen.Int[0, 1_000]
            from count in Gen.OneOf(Gen.Int[1, 20], Gen.Int[100, 700], Gen.Int[1_000, 5_000])
            from leaf in Gen.Int[0, g.Leaf.Length - 1]
            from run in Gen.Char["a!*<[ \n"]
            select Render(g, kind, pick, count, g.Leaf[leaf], run);
        return shape.Array[1, 4].Select(parts => string.Concat(parts));
    }

    private static string Render((string[] Open, string[] Close, string[] Leaf) g, int kind, int pick, int count, string leaf, char run)
    {
        var o = pick % g.Open.Length;
        var builder = new StringBuilder();
        switch (kind)
        {
            case 0: // nest one opener
                for (var i = 0; i < count; i++)
                {
                    builder.Append(Keyed(g.Open[o], i));
                }

                builder.Append(leaf);
                for (var i = count - 1; i >= 0 && pick % 3 != 0; i--)
                {
                    builder.Append(g.Close[o]); // a third of them left unclosed
                }

                break;
            case 1: // nest a mix of openers
                var stack = new Stack<int>();
                for (var i = 0; i < count; i++)
                {
                    var k = (pick + (i * 7)) % g.Open.Length;
                    stack.Push(k);
                    builder.Append(Keyed(g.Open[k], i));
                }

                builder.Append(leaf);
                while (stack.TryPop(out var k))
                {
                    builder.Append(g.Close[k]);
                }

                break;
            case 2: // many siblings
                for (var i = 0; i < count; i++)
                {
                    builder.Append(Keyed(g.Open[o], i)).Append(leaf).Append(g.Close[o]);
                }

                break;
            case 3: // many distinct keys
                for (var i = 0; i < count; i++)
                {
                    builder.Append(Keyed(leaf.Contains("{i}", StringComparison.Ordinal) ? leaf : leaf + "{i}", i));
                }

                break;
            default: // a run of one character
                builder.Append(run, count * 40);
                break;
        }

        return builder.ToString();
    }

    private static string Keyed(string piece, int i) =>
        piece.Contains("{i}", StringComparison.Ordinal) ? piece.Replace("{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) : piece;
}
