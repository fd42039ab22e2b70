using Syndication.Core.Articles;
using Syndication.Core.Feeds;

namespace Syndication.Tests.Feeds;

public sealed class FeedScopesTests
{
    private static Article Story(IReadOnlyList<string> editions, IReadOnlyList<string> sectors, SectionType section) => new()
    {
        Id = "0f3a",
        SourceKey = "urn:example:0f3a",
        Slug = "monsoon-lifts-sowing",
        Url = new Uri("https://news.example.com/news/monsoon-lifts-sowing"),
        Headline = "Monsoon lifts sowing",
        BodyHtml = "<p>Farmers planted more.</p>",
        Editions = editions,
        Sectors = sectors,
        Section = section,
        Created = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero),
        Updated = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero),
        Fingerprint = "f",
    };

    [Fact]
    public void An_article_is_in_the_site_feed_then_each_of_its_editions_sectors_and_its_section_spelled_as_the_index_stores_them()
    {
        var scopes = FeedScopes.Of(Story(["india", "global"], ["agriculture", "economy"], SectionType.Interview));

        // These strings are the index's partition keys (README, Storage): a new spelling would orphan every stored row.
        Assert.Equal(["all", "edition-india", "edition-global", "sector-agriculture", "sector-economy", "section-interview"], scopes);
    }

    [Fact]
    public void An_article_without_editions_or_sectors_is_still_in_the_site_feed_and_its_section()
    {
        Assert.Equal(["all", "section-news"], FeedScopes.Of(Story([], [], SectionType.News)));
    }

    [Theory]
    [InlineData(SectionType.News, "section-news")]
    [InlineData(SectionType.Opinion, "section-opinion")]
    [InlineData(SectionType.Blog, "section-blog")]
    [InlineData(SectionType.Interview, "section-interview")]
    [InlineData(SectionType.Analysis, "section-analysis")]
    [InlineData(SectionType.Feature, "section-feature")]
    public void Each_section_has_its_own_lower_case_scope(SectionType section, string scope)
    {
        Assert.Equal(scope, FeedScopes.Section(section));
    }
}
