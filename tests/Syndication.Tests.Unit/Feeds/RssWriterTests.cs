using System.Globalization;
using System.Xml.Linq;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;

namespace Syndication.Tests.Feeds;

public sealed class RssWriterTests
{
    private static readonly FeedChannel Channel = new(
        "rss.xml", "News & Views", "All <the> news", new Uri("https://news.example.com/"), new Uri("https://feeds.example.com/rss.xml"), "en", 15);

    private static FeedEntry Entry(int i) => new()
    {
        Id = $"id{i}",
        Url = new Uri($"https://news.example.com/news/story-{i}"),
        Headline = $"Story {i} & more \u0001",
        Summary = "Summary",
        Byline = "News Desk",
        Created = new DateTimeOffset(2024, 12, 2, 11, 52, 0, TimeSpan.Zero).AddHours(-i),
        Updated = new DateTimeOffset(2024, 12, 2, 12, 0, 0, TimeSpan.Zero).AddHours(-i),
        Sectors = ["health"],
        Section = SectionType.News,
    };

    [Fact]
    public void Writes_well_formed_rss_with_self_link_and_permanent_guids()
    {
        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(RssWriter.Write(Channel, [Entry(1), Entry(2)])));
        XNamespace atom = "http://www.w3.org/2005/Atom";
        XNamespace dc = "http://purl.org/dc/elements/1.1/";
        var channel = xml.Root!.Element("channel")!;

        Assert.Equal("2.0", xml.Root.Attribute("version")!.Value);
        Assert.Equal("https://feeds.example.com/rss.xml", channel.Element(atom + "link")!.Attribute("href")!.Value);
        Assert.Equal("self", channel.Element(atom + "link")!.Attribute("rel")!.Value);
        var items = channel.Elements("item").ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("Story 1 & more", items[0].Element("title")!.Value);
        Assert.Equal("https://news.example.com/news/story-1", items[0].Element("guid")!.Value);
        Assert.Equal("true", items[0].Element("guid")!.Attribute("isPermaLink")!.Value);
        Assert.Equal("News Desk", items[0].Element(dc + "creator")!.Value);
    }

    [Fact]
    public void Dates_are_rfc_822_with_the_weekday_that_matches()
    {
        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(RssWriter.Write(Channel, [Entry(0)])));
        var pubDate = xml.Root!.Element("channel")!.Element("item")!.Element("pubDate")!.Value;

        Assert.Equal("Mon, 02 Dec 2024 11:52:00 +0000", pubDate);
        var parsed = DateTimeOffset.ParseExact(pubDate, "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture);
        Assert.Equal(DayOfWeek.Monday, parsed.DayOfWeek);
    }

    [Fact]
    public void The_same_entries_give_the_same_bytes()
    {
        Assert.Equal(RssWriter.Write(Channel, [Entry(1), Entry(2)]), RssWriter.Write(Channel, [Entry(1), Entry(2)]));
    }

    [Fact]
    public void An_edited_entry_changes_the_bytes()
    {
        var edited = Entry(1) with { Headline = "Story 1, corrected", Updated = Entry(1).Updated.AddMinutes(5) };

        Assert.NotEqual(RssWriter.Write(Channel, [Entry(1)]), RssWriter.Write(Channel, [edited]));
    }
}
