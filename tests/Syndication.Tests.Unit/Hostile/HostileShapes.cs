using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Catalog;
using Syndication.Core.Feeds;
using Syndication.Core.Ingestion;
using Syndication.Core.Ingestion.Feeds;
using Syndication.Core.Ingestion.Normalization;
using Syndication.Core.Newsletters;
using Syndication.Core.Trending;

namespace Syndication.Tests.Hostile;

/// <summary>A door of the pipeline as a pure function of an input's bytes: what ingest, a poll, a count or an import runs on one item.</summary>
internal static class Doors
{
    private static readonly ArticleNormalizer Normalizer = new(
        new PublicationCatalog(new SyndicationOptions()), new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero)));

    /// <summary>Runs the door; a refusal with a reason is an allowed outcome (and returned), anything else escapes.</summary>
    public static string? Run(string door, byte[] input)
    {
        try
        {
            switch (door)
            {
                case "markdown":
                    Normalizer.Normalize(MarkdownReader.Read(input, "hostile.md"));
                    break;
                case "ninjs":
                    Normalizer.Normalize(NinjsReader.Read(input));
                    break;
                case "feed":
                    var feed = FeedReader.Read(input);
                    foreach (var entry in feed.Entries)
                    {
                        // Each item on its own, as the poll ingests them: one refused item leaves the others.
                        try
                        {
                            Normalizer.Normalize(entry.ToDraft(feed) with { Editions = [], Sectors = [] });
                        }
                        catch (RejectedInputException)
                        {
                        }
                    }

                    break;
                case "pageviews":
                    var log = PageViewAggregator.Aggregate(input);
                    Assert.Equal(log.TotalLines, log.CountedViews + log.BotViews + log.DuplicateSessionViews + log.MalformedLines + log.BlankLines);
                    break;
                case "webhook":
                    try
                    {
                        SendGridEventParser.Parse(input);
                    }
                    catch (FormatException ex)
                    {
                        return ex.Message;
                    }

                    break;
                case "csv":
                    using (var reader = new StreamReader(new MemoryStream(input)))
                    {
                        foreach (var line in SubscriberCsv.ReadAsync(reader).ToBlockingEnumerable())
                        {
                            Assert.True(line.Fields is not null || line.Skipped is { Length: > 0 });
                        }
                    }

                    break;
                case "text":
                    var text = Encoding.UTF8.GetString(input);
                    NearDuplicate.SimHash(HtmlCleaner.ToPlainText(FeedText.Plain(text)));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(door), door, null);
            }

            return null;
        }
        catch (RejectedInputException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message), "a refusal must say why");
            return ex.Message;
        }
    }
}

/// <summary>
/// The worst inputs we could construct for each door: deep nesting, many siblings, long runs of one
/// character, many distinct keys. Each is a function of a size n; <see cref="ParserScalingTests"/>
/// times n and 4n, and <see cref="StructuredFuzzTests"/> mixes their parts.
/// </summary>
internal sealed record HostileShape(string Name, string Door, int N, Func<int, byte[]> Make)
{
    public override string ToString() => Name;

    public static IReadOnlyList<HostileShape> All { get; } =
    [
        // Markdown, below its limits (so the work measured is the parse, not the refusal) and past them.
        Md("md-quotes-16-per-line", 800, n => Lines(n, i => string.Concat(Enumerable.Repeat("> ", 16)) + $"quoted {i}")),
        Md("md-lists-indented-to-the-limit", 20, n => Lines(n * 64, i => new string(' ', (i % 64) * 2) + "- item")),
        Md("md-emphasis-1000-per-paragraph", 30, n => Paragraphs(n, _ => Repeat("*a_", 333))),
        Md("md-brackets-1000-per-paragraph", 30, n => Paragraphs(n, _ => Repeat("[a", 500))),
        Md("md-footnotes-and-links", 30, n => Paragraphs(n, _ => Repeat("[^a] [b](c) ![d](e) ", 100))),
        Md("md-table-120-columns", 4, n => "|" + Repeat("h|", 120) + "\n|" + Repeat("-|", 120) + "\n" + Lines(n * 4, _ => "|" + Repeat("x|", 120))),
        Md("md-headings", 1000, n => Lines(n, _ => "# same heading")),
        Md("md-run-of-one-character", 4, n => Lines(n, _ => new string('a', 30_000))),
        Md("md-yaml-many-keys", 1000, n => Lines(n, i => $"k{i}: v"), frontMatter: true),
        Md("md-yaml-nested-16", 400, n => Lines(n, i => $"k{i}: " + Repeat("[", 15) + "x" + Repeat("]", 15)), frontMatter: true),
        Md("md-nested-quotes-past-the-limit", 2000, n => Repeat(">", n) + " x"),
        Md("md-nested-lists-past-the-limit", 2000, n => Repeat("- ", n) + "x"),
        Md("md-lists-indented-past-the-limit", 2000, n => Lines(n, i => new string(' ', 2 * (i % 100)) + "- x")),
        Md("md-yaml-aliases", 400, n => "a: &a [x]\n" + Lines(n, i => $"k{i}: *a"), frontMatter: true),

        // HTML bodies of ninjs items, below the limits and past them.
        Ninjs("html-nested-256", 10, n => Repeat(Repeat("<div>", 255) + "x" + Repeat("</div>", 255), n)),
        Ninjs("html-misnested-formatting", 400, n => Repeat("<b><i>x</b>y</i><a href=u><p>z</a>", n)),
        Ninjs("html-siblings", 2000, n => Repeat("<p>x</p>", n)),
        Ninjs("html-unclosed-paragraphs", 2000, n => Repeat("<p>x", n)),
        Ninjs("html-64-attributes", 100, n => Repeat("<p " + string.Join(' ', Enumerable.Range(0, 64).Select(i => $"data-a{i}=\"v\"")) + ">x</p>", n)),
        Ninjs("html-nested-tables", 10, n => Repeat(Repeat("<table><tr><td>", 60) + "x" + Repeat("</td></tr></table>", 60), n)),
        Ninjs("html-unclosed-comments", 20_000, n => "<p>x</p>" + Repeat("<!--", n)),
        Ninjs("html-run-of-one-character", 60, n => "<p>" + new string('a', n * 2_000) + "</p>"),
        Ninjs("html-nested-past-the-limit", 20_000, n => Repeat("<div>", n) + "x"),
        Ninjs("html-nested-unclosed-formatting-past-the-limit", 5_000, n => Repeat("<b><i><u><s>", n) + "x"),
        new("ninjs-many-keys", "ninjs", 2000, n => NinjsWith("<p>x</p>", string.Concat(Enumerable.Range(0, n).Select(i => $"\"k{i}\":{i},")))),
        new("ninjs-nested-json", "ninjs", 2000, n => NinjsWith("<p>x</p>", "\"deep\":" + Repeat("[", 60) + Repeat("]", 60) + "," + string.Concat(Enumerable.Range(0, n).Select(i => $"\"d{i}\":" + Repeat("[", 30) + Repeat("]", 30) + ",")))),
        new("ninjs-json-past-depth", "ninjs", 2000, n => NinjsWith("<p>x</p>", "\"deep\":" + Repeat("[", n) + Repeat("]", n) + ",")),
        new("headline-unclosed-comments", "ninjs", 2000, n => Utf8("{\"uri\":\"urn:x\",\"type\":\"text\",\"headline\":" + JsonSerializer.Serialize(Repeat("&lt;!--", n) + "h") + ",\"body_html\":\"<p>x</p>\"}")),

        // Agency feeds.
        Rss("rss-many-items", 400, n => string.Concat(Enumerable.Range(0, n).Select(i => $"<item><title>t{i}</title><link>https://a.example/{i}</link><guid>g{i}</guid><description>&lt;p&gt;x {i}&lt;/p&gt;</description></item>"))),
        Rss("rss-nested-unknown-elements", 400, n => Repeat(Repeat("<x>", 200) + Repeat("</x>", 200), n) + "<item><title>t</title><link>https://a.example/</link></item>"),
        Rss("rss-many-attributes", 200, n => Repeat("<item " + string.Join(' ', Enumerable.Range(0, 100).Select(i => $"a{i}=\"v\"")) + "><title>t</title></item>", n)),
        Rss("rss-run-of-one-character", 40, n => $"<item><title>{new string('a', n * 2_000)}</title><description>{new string('b', n * 2_000)}</description></item>"),
        Rss("rss-escaped-markup-nested", 40, n => $"<item><title>t</title><description>{Repeat("&lt;div&gt;", 250)}x</description></item>" + Repeat("<item><title>t</title><description>&lt;p&gt;x&lt;/p&gt;</description></item>", n * 10)),
        new("jsonfeed-many-items", "feed", 400, n => Utf8("{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[" + string.Join(',', Enumerable.Range(0, n).Select(i => $"{{\"id\":\"{i}\",\"url\":\"https://a.example/{i}\",\"title\":\"t{i}\",\"content_html\":\"<p>x</p>\"}}")) + "]}")),

        // Page-view logs.
        Views("views-many-editions", 20_000, n => Lines(n, i => PageView($"edition-{i % 200}", $"a{i % 50}", $"s{i}"))),
        Views("views-many-distinct-editions-past-the-limit", 20_000, n => Lines(n, i => PageView($"edition-{i}", "a", $"s{i}"))),
        Views("views-many-sessions", 20_000, n => Lines(n, i => PageView("india", "a", $"s{i}"))),
        Views("views-many-articles", 20_000, n => Lines(n, i => PageView("india", $"a{i}", "s"))),
        Views("views-long-lines", 200, n => Lines(n, i => PageView("india", new string('a', 60_000), $"s{i}"))),

        // Webhook bodies.
        new("webhook-many-events", "webhook", 1000, n => Utf8("[" + string.Join(',', Enumerable.Range(0, n).Select(i => $"{{\"email\":\"a{i}@example.com\",\"timestamp\":1795590000,\"event\":\"delivered\",\"sg_event_id\":\"e{i}\"}}")) + "]")),
        new("webhook-many-custom-args", "webhook", 4000, n => Utf8("[{\"email\":\"a@example.com\",\"timestamp\":1,\"event\":\"open\",\"custom_args\":{" + string.Join(',', Enumerable.Range(0, n).Select(i => $"\"k{i}\":\"v\"")) + "}}]")),
        new("webhook-nested-past-depth", "webhook", 4000, n => Utf8("[{\"email\":\"a@example.com\",\"timestamp\":1,\"event\":\"open\",\"x\":" + Repeat("[", n) + Repeat("]", n) + "}]")),

        // Subscriber CSV imports.
        new("csv-many-rows", "csv", 5000, n => Utf8(Lines(n, i => $"reader{i}@example.com,india,health;education,daily,confirmed"))),
        new("csv-huge-field", "csv", 40, n => Utf8("email,edition,sectors,cadence,status\n\"" + new string('x', n * 20_000) + "\",india,,daily,confirmed\nok@example.com,india,,daily,confirmed\n")),
        new("csv-unclosed-quotes", "csv", 5000, n => Utf8(Lines(n, i => $"\"reader{i}@example.com,india"))),

        // Text of titles and bodies: markup-looking text, runs of one character (SimHash, white space folding).
        new("text-run-of-one-character", "text", 40, n => Utf8(new string('a', n * 10_000))),
        new("text-unclosed-comments-and-scripts", "text", 2000, n => Utf8(Repeat("<!--<script ", n))),
    ];

    private static HostileShape Md(string name, int n, Func<int, string> body, bool frontMatter = false) =>
        new(name, "markdown", n, i => Utf8(frontMatter
            ? "---\nuri: urn:x\nheadline: H\n" + body(i) + "\n---\nbody\n"
            : "---\nuri: urn:x\nheadline: H\n---\n" + body(i)));

    private static HostileShape Ninjs(string name, int n, Func<int, string> body) => new(name, "ninjs", n, i => NinjsWith(body(i), ""));

    private static HostileShape Rss(string name, int n, Func<int, string> items) =>
        new(name, "feed", n, i => Utf8("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>https://a.example/</link><description>d</description>" + items(i) + "</channel></rss>"));

    private static HostileShape Views(string name, int n, Func<int, string> log) => new(name, "pageviews", n, i => Utf8(log(i)));

    public static byte[] NinjsWith(string bodyHtml, string extraFields) =>
        Utf8("{" + extraFields + "\"uri\":\"urn:x\",\"type\":\"text\",\"headline\":\"H\",\"body_html\":" + JsonSerializer.Serialize(bodyHtml) + "}");

    public static string PageView(string edition, string article, string session) =>
        $$"""{"ts":"2026-11-25T08:00:00Z","article":"{{article}}","edition":"{{edition}}","session":"{{session}}","agent":"browser"}""";

    public static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

    private static string Lines(int n, Func<int, string> line) => string.Join('\n', Enumerable.Range(0, n).Select(line)) + "\n";

    private static string Paragraphs(int n, Func<int, string> paragraph) => string.Join("\n\n", Enumerable.Range(0, n).Select(paragraph)) + "\n";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
