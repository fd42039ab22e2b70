using System.Text.Json;
using System.Xml.Linq;
using Syndication.Core.Feeds;
using static Syndication.Tests.Feeds.FeedSamples;

namespace Syndication.Tests.Feeds;

/// <summary>RFC 5005 archived feeds as the writers put them: links to the same format's files, <c>fh:archive</c> on archives only.</summary>
public sealed class ArchiveLinksTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace History = "http://purl.org/syndication/history/1.0";
    private static readonly IReadOnlyList<FeedEntry> Entries = [.. Enumerable.Range(0, 3).Select(Entry)];

    private static readonly FeedChannel Current = India with
    {
        History = new FeedHistory { PreviousArchive = new Uri("https://feeds.example.com/editions/india/archive/7/") },
    };

    private static readonly FeedChannel Page = India with
    {
        Folder = "editions/india/archive/3",
        FolderUrl = new Uri("https://feeds.example.com/editions/india/archive/3/"),
        History = new FeedHistory
        {
            IsArchive = true,
            Current = India.FolderUrl,
            PreviousArchive = new Uri("https://feeds.example.com/editions/india/archive/2/"),
            NextArchive = new Uri("https://feeds.example.com/editions/india/archive/4/"),
        },
    };

    public static TheoryData<FeedFormat> XmlFormats => [FeedFormat.Rss, FeedFormat.Atom];

    [Theory]
    [MemberData(nameof(XmlFormats))]
    public void The_current_feed_links_its_newest_archive_in_its_own_format_and_stays_valid(FeedFormat format)
    {
        var document = FeedWriter.Write(format, Current, Entries);

        FeedLint.AssertValid(format, document.Content, document.Url);
        var links = Links(format, document.Content);
        Assert.Equal($"https://feeds.example.com/editions/india/archive/7/{FeedFormats.FileName(format)}", links["prev-archive"]);
        Assert.False(links.ContainsKey("next-archive"));
        Assert.False(links.ContainsKey("current"));
        Assert.DoesNotContain(History.NamespaceName, System.Text.Encoding.UTF8.GetString(document.Content.Span), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(XmlFormats))]
    public void An_archive_document_is_marked_and_links_the_current_feed_and_both_neighbours(FeedFormat format)
    {
        var document = FeedWriter.Write(format, Page, Entries);

        FeedLint.AssertValid(format, document.Content, document.Url);
        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(document.Content.Span));
        var container = format == FeedFormat.Atom ? xml.Root! : xml.Root!.Element("channel")!;
        Assert.NotNull(container.Element(History + "archive"));
        var links = Links(format, document.Content);
        var file = FeedFormats.FileName(format);
        Assert.Equal($"https://feeds.example.com/editions/india/{file}", links["current"]);
        Assert.Equal($"https://feeds.example.com/editions/india/archive/2/{file}", links["prev-archive"]);
        Assert.Equal($"https://feeds.example.com/editions/india/archive/4/{file}", links["next-archive"]);
        Assert.Equal($"https://feeds.example.com/editions/india/archive/3/{file}", links["self"]);
        if (format == FeedFormat.Atom)
        {
            // The same logical feed: an archive carries the current feed's id.
            Assert.Equal("https://feeds.example.com/editions/india/atom.xml", xml.Root!.Element(Atom + "id")!.Value);
        }
    }

    [Fact]
    public void Json_feed_pages_back_through_next_url()
    {
        using var current = JsonDocument.Parse(FeedWriter.Write(FeedFormat.Json, Current, Entries).Content);
        using var page = JsonDocument.Parse(FeedWriter.Write(FeedFormat.Json, Page, Entries).Content);
        using var oldest = JsonDocument.Parse(FeedWriter.Write(FeedFormat.Json, Page with { History = Page.History! with { PreviousArchive = null } }, Entries).Content);

        Assert.Equal("https://feeds.example.com/editions/india/archive/7/feed.json", current.RootElement.GetProperty("next_url").GetString());
        Assert.Equal("https://feeds.example.com/editions/india/archive/2/feed.json", page.RootElement.GetProperty("next_url").GetString());
        Assert.Equal("https://feeds.example.com/editions/india/archive/3/feed.json", page.RootElement.GetProperty("feed_url").GetString());
        Assert.False(oldest.RootElement.TryGetProperty("next_url", out _));
        FeedLint.AssertValid(FeedFormat.Json, FeedWriter.Write(FeedFormat.Json, Page, Entries).Content, Page.UrlOf(FeedFormat.Json));
    }

    private static Dictionary<string, string> Links(FeedFormat format, ReadOnlyMemory<byte> content)
    {
        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(content.Span));
        var container = format == FeedFormat.Atom ? xml.Root! : xml.Root!.Element("channel")!;
        return container.Elements(Atom + "link")
            .Where(l => l.Attribute("rel") is not null)
            .ToDictionary(l => l.Attribute("rel")!.Value, l => l.Attribute("href")!.Value);
    }
}
