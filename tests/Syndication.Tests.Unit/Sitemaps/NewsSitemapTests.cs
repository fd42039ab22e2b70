using System.Xml.Linq;
using Syndication.Core.Sitemaps;

namespace Syndication.Tests.Sitemaps;

public sealed class NewsSitemapTests
{
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";
    private static readonly XNamespace News = "http://www.google.com/schemas/sitemap-news/0.9";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static NewsSitemapEntry Story(int i, DateTimeOffset published, string? language = null) =>
        new(new Uri($"https://news.example.com/news/story-{i}"), $"Story {i} <b>bold</b> & co", published, language);

    [Fact]
    public void Only_stories_of_the_last_48_hours_are_listed_newest_first_and_each_url_once()
    {
        var parts = NewsSitemap.Parts(
            [Story(1, Now.AddHours(-47.99)), Story(2, Now.AddHours(-48)), Story(3, Now.AddMinutes(-1)), Story(3, Now.AddMinutes(-1)), Story(4, Now.AddMinutes(1))],
            Now);

        var only = Assert.Single(parts);
        Assert.Equal(["https://news.example.com/news/story-3", "https://news.example.com/news/story-1"], only.Select(s => s.Url.AbsoluteUri));
        Assert.Equal(Now.AddHours(-47.99) + TimeSpan.FromHours(48), NewsSitemap.NextExpiry(only));
    }

    [Fact]
    public void More_than_1000_stories_are_cut_into_files_of_1000_and_none_is_one_empty_file()
    {
        var parts = NewsSitemap.Parts(Enumerable.Range(0, 2_001).Select(i => Story(i, Now.AddSeconds(-i))), Now);

        Assert.Equal([1_000, 1_000, 1], parts.Select(p => p.Count));
        Assert.Equal("https://news.example.com/news/story-2000", parts[2][0].Url.AbsoluteUri);
        Assert.Equal([0], NewsSitemap.Parts([], Now).Select(p => p.Count));
        Assert.Null(NewsSitemap.NextExpiry([]));
        Assert.Equal("sitemaps/news-india.xml", NewsSitemap.PathOf("india", 1));
        Assert.Equal("sitemaps/news-india-3.xml", NewsSitemap.PathOf("india", 3));
    }

    [Theory]
    [InlineData("en", "en")]
    [InlineData("en-GB", "en")]
    [InlineData("hi_IN", "hi")]
    [InlineData("zh-Hans", "zh-cn")]
    [InlineData("zh-TW", "zh-tw")]
    [InlineData("zh-Hant-HK", "zh-tw")]
    [InlineData("fil", "fil")]
    public void Languages_are_written_as_google_news_wants_them(string language, string expected) =>
        Assert.Equal(expected, NewsSitemap.LanguageCode(language));

    [Fact]
    public void A_sitemap_is_xml_in_the_sitemap_and_news_namespaces_with_plain_titles_and_w3c_dates()
    {
        var bytes = NewsSitemap.Write([Story(1, Now.AddHours(-1), "hi"), Story(2, Now.AddHours(-2))], "News & Views", "en-GB");

        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal(Sitemap + "urlset", xml.Root!.Name);
        var urls = xml.Root.Elements(Sitemap + "url").ToList();
        Assert.Equal(2, urls.Count);
        var news = urls[0].Element(News + "news")!;
        Assert.Equal("News & Views", news.Element(News + "publication")!.Element(News + "name")!.Value);
        Assert.Equal("hi", news.Element(News + "publication")!.Element(News + "language")!.Value);
        Assert.Equal("en", urls[1].Element(News + "news")!.Element(News + "publication")!.Element(News + "language")!.Value);
        Assert.Equal("2026-11-25T08:00:00Z", news.Element(News + "publication_date")!.Value);
        Assert.Equal("Story 1 bold & co", news.Element(News + "title")!.Value);
    }

    [Fact]
    public void The_index_lists_each_sitemap_with_its_newest_story()
    {
        var bytes = SitemapIndex.Write([(new Uri("https://feeds.example.com/sitemaps/news-india.xml"), Now), (new Uri("https://feeds.example.com/sitemaps/news-uk.xml"), null)]);

        var xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal(Sitemap + "sitemapindex", xml.Root!.Name);
        var sitemaps = xml.Root.Elements(Sitemap + "sitemap").ToList();
        Assert.Equal("https://feeds.example.com/sitemaps/news-india.xml", sitemaps[0].Element(Sitemap + "loc")!.Value);
        Assert.Equal("2026-11-25T09:00:00Z", sitemaps[0].Element(Sitemap + "lastmod")!.Value);
        Assert.Null(sitemaps[1].Element(Sitemap + "lastmod"));
    }
}
