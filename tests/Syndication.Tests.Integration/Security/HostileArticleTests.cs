using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Security;

/// <summary>
/// A hostile or compromised source: script, event handlers and <c>javascript:</c> links in an
/// article must not reach a reader through any feed, however the reader renders it.
/// </summary>
public sealed class HostileArticleTests
{
    private static readonly HttpClient Http = new();

    private const string Hostile = """
        {
          "uri": "urn:test:hostile",
          "type": "text",
          "versioncreated": "2026-11-25T08:00:00Z",
          "headlines": [{ "role": "main", "value": "Markets <img src=x onerror=alert(1)> rally <script>alert(2)</script>" }],
          "descriptions": [{ "role": "summary", "value": "<b onmouseover=alert(3)>Bold</b> claims" }],
          "bodies": [{ "role": "main", "contenttype": "text/html", "value":
            "<p onclick=\"alert(4)\">Body <script>steal()</script> text with <a href=\"javascript:alert(5)\">a link</a>, <a href=\"JaVaScRiPt:alert(6)\">another</a>, <iframe src=\"https://evil.example/x\"></iframe><img src=\"data:text/html;base64,PHNjcmlwdD4=\" alt=\"x\"><style>body{display:none}</style><svg onload=alert(7)></svg><form action=\"https://evil.example\"><input name=q></form></p>" }],
          "subjects": [{ "uri": "http://cv.iptc.org/newscodes/mediatopic/04000000", "name": "economy" }],
          "places": [{ "name": "country", "literal": "IN" }]
        }
        """;

    [Fact]
    public async Task Script_event_handlers_and_javascript_links_from_a_source_reach_no_feed()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var outcome = await pipeline.DropAndIngestAsync("hostile.json", System.Text.Encoding.UTF8.GetBytes(Hostile));
        Assert.Equal(IngestResult.Accepted, outcome.Result);

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var rss = await Http.GetStringAsync(feeds.Single(f => f.Path == "rss.xml").Url);
        var atom = await Http.GetStringAsync(feeds.Single(f => f.Path == "atom.xml").Url);
        var json = await Http.GetStringAsync(feeds.Single(f => f.Path == "feed.json").Url);

        // What a reader's renderer gets: the decoded text of titles and bodies, in every format.
        var item = XDocument.Parse(rss).Root!.Element("channel")!.Element("item")!;
        XNamespace content = "http://purl.org/rss/1.0/modules/content/";
        XNamespace a = "http://www.w3.org/2005/Atom";
        var entry = XDocument.Parse(atom).Root!.Element(a + "entry")!;
        using var feed = JsonDocument.Parse(json);
        var jsonItem = feed.RootElement.GetProperty("items")[0];
        string[] rendered =
        [
            item.Element("title")!.Value, item.Element("description")!.Value, item.Element(content + "encoded")!.Value,
            entry.Element(a + "title")!.Value, entry.Element(a + "summary")?.Value ?? "", entry.Element(a + "content")!.Value,
            jsonItem.GetProperty("title").GetString()!, jsonItem.GetProperty("content_html").GetString()!,
        ];
        foreach (var text in rendered)
        {
            foreach (var forbidden in new[] { "<script", "onerror", "onclick", "onmouseover", "onload", "javascript:", "<iframe", "<style", "<form", "data:text/html" })
            {
                Assert.DoesNotContain(forbidden, text, StringComparison.OrdinalIgnoreCase);
            }
        }

        // Titles are plain text, and the story's words survive.
        Assert.Equal("Markets rally", item.Element("title")!.Value);
        Assert.Contains("Body", item.Element(content + "encoded")!.Value, StringComparison.Ordinal);
        Assert.Contains("a link", item.Element(content + "encoded")!.Value, StringComparison.Ordinal);
        using var response = await Http.GetAsync(feeds.Single(f => f.Path == "rss.xml").Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
