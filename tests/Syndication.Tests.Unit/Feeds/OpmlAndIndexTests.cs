using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Syndication.Core.Feeds;
using static Syndication.Tests.Feeds.FeedSamples;

namespace Syndication.Tests.Feeds;

public sealed partial class OpmlAndIndexTests
{
    private static readonly FeedChannel All = India with { Folder = "", FolderUrl = new Uri("https://feeds.example.com/"), Title = "News & Views", Description = "Everything <new>." };

    private static readonly FeedChannel Sneaky = India with
    {
        Folder = "sectors/health",
        FolderUrl = new Uri("https://feeds.example.com/sectors/health/"),
        Title = "Health \"quoted\" <script>alert(1)</script> & more",
        Description = "Say \"hi\" & <b>bye</b>",
    };

    [Fact]
    public void Opml_lists_each_feed_with_title_xml_and_html_urls()
    {
        var feeds = new[] { OpmlFeed.Of(All), OpmlFeed.Of(India), OpmlFeed.Of(Sneaky, FeedFormat.Atom) };

        var opml = XDocument.Parse(Encoding.UTF8.GetString(OpmlWriter.Write("News & Views feeds", feeds, "News & Views")));

        Assert.Equal("2.0", opml.Root!.Attribute("version")!.Value);
        Assert.Equal("News & Views feeds", opml.Root.Element("head")!.Element("title")!.Value);
        var outlines = opml.Root.Element("body")!.Elements("outline").ToList();
        Assert.Equal(3, outlines.Count);
        Assert.Equal("News & Views: India", outlines[1].Attribute("text")!.Value);
        Assert.Equal("rss", outlines[1].Attribute("type")!.Value);
        Assert.Equal("https://feeds.example.com/editions/india/rss.xml", outlines[1].Attribute("xmlUrl")!.Value);
        Assert.Equal("https://news.example.com/", outlines[1].Attribute("htmlUrl")!.Value);
        Assert.Equal("https://feeds.example.com/sectors/health/atom.xml", outlines[2].Attribute("xmlUrl")!.Value);
        Assert.Equal("Health \"quoted\" & more", outlines[2].Attribute("title")!.Value);
        Assert.Equal(OpmlWriter.Write("News & Views feeds", feeds), OpmlWriter.Write("News & Views feeds", feeds));
    }

    [Fact]
    public void The_index_page_has_an_autodiscovery_link_for_every_feed()
    {
        var page = new FeedIndexPage("News & Views feeds", "Every feed <we> publish.", "en", [All, India, Sneaky]) { OpmlUrl = new Uri("https://feeds.example.com/feeds.opml") };

        var html = Encoding.UTF8.GetString(FeedIndexWriter.Write(page));

        var head = html[..html.IndexOf("</head>", StringComparison.Ordinal)];
        var alternates = AlternateLink().Matches(head).Select(m => (m.Groups["type"].Value, m.Groups["href"].Value)).ToList();
        Assert.Equal(9, alternates.Count);
        foreach (var channel in new[] { All, India, Sneaky })
        {
            foreach (var format in FeedFormats.All)
            {
                Assert.Contains((FeedFormats.MediaType(format), channel.UrlOf(format).AbsoluteUri), alternates);
                Assert.Contains($"<a href=\"{channel.UrlOf(format).AbsoluteUri}\" type=\"{FeedFormats.MediaType(format)}\">", html, StringComparison.Ordinal);
            }
        }

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<title>News &amp; Views feeds</title>", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"outline\" type=\"text/x-opml\"", html, StringComparison.Ordinal);
        Assert.Contains("<main>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"visually-hidden\"> feed: News &amp; Views: India</span>", html, StringComparison.Ordinal);

        // Nothing from a title reaches the page unencoded.
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("Health &quot;quoted&quot; &amp; more", html, StringComparison.Ordinal);
        Assert.Equal(FeedIndexWriter.Write(page), FeedIndexWriter.Write(page));
    }

    [GeneratedRegex("<link rel=\"alternate\" type=\"(?<type>[^\"]+)\" title=\"[^\"]+\" href=\"(?<href>[^\"]+)\">")]
    private static partial Regex AlternateLink();
}
