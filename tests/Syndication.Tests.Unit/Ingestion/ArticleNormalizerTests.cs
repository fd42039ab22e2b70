using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;

namespace Syndication.Tests.Ingestion;

public sealed class ArticleNormalizerTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly ArticleNormalizer _normalizer = new(new PublicationCatalog(new SyndicationOptions()), Clock);

    private static ArticleDraft Draft(string headline = "Escalation in Aleppo: Forces Intensify Standoff") => new()
    {
        SourceKey = "urn:test:aleppo",
        Headline = headline,
        BodyHtml = "<p>Fighters crossed overnight.</p><p>(With inputs from agencies.)</p>",
        Created = new DateTimeOffset(2024, 12, 2, 17, 22, 0, TimeSpan.FromHours(5.5)),
        Updated = new DateTimeOffset(2024, 12, 2, 17, 22, 0, TimeSpan.FromHours(5.5)),
        SubjectCodes = ["medtop:16000000", "medtop:11000000"],
        Places = ["IN"],
        Genres = ["genre:Opinion"],
    };

    [Fact]
    public void A_new_story_gets_id_slug_url_editions_sectors_section_and_utc_instants()
    {
        var article = _normalizer.Normalize(Draft());

        Assert.Equal(ArticleIdentity.IdFor("urn:test:aleppo"), article.Id);
        Assert.Equal("escalation-in-aleppo-forces-intensify-standoff", article.Slug);
        Assert.Equal(new Uri("https://news.example.com/opinion/escalation-in-aleppo-forces-intensify-standoff"), article.Url);
        Assert.Equal(["global", "india"], article.Editions);
        Assert.Equal(["governance", "conflict"], article.Sectors);
        Assert.Equal(SectionType.Opinion, article.Section);
        Assert.Equal(new DateTimeOffset(2024, 12, 2, 11, 52, 0, TimeSpan.Zero), article.Created);
        Assert.Equal(TimeSpan.Zero, article.Created.Offset);
        Assert.Equal("With inputs from agencies", article.Attribution);
        Assert.Equal(1, article.Version);
    }

    [Fact]
    public void An_update_keeps_id_slug_url_and_creation_and_grows_the_version()
    {
        var first = _normalizer.Normalize(Draft());
        var edited = Draft("Aleppo standoff deepens as militias arrive") with
        {
            Updated = new DateTimeOffset(2024, 12, 2, 19, 0, 0, TimeSpan.FromHours(5.5)),
        };

        var second = _normalizer.Normalize(edited, first);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Slug, second.Slug);
        Assert.Equal(first.Url, second.Url);
        Assert.Equal(first.Created, second.Created);
        Assert.Equal(2, second.Version);
        Assert.Equal("Aleppo standoff deepens as militias arrive", second.Headline);
        Assert.NotEqual(first.Fingerprint, second.Fingerprint);
    }

    [Fact]
    public void The_same_content_has_the_same_fingerprint()
    {
        Assert.Equal(ArticleNormalizer.Fingerprint(Draft()), ArticleNormalizer.Fingerprint(Draft()));
    }

    [Fact]
    public void A_story_without_dates_is_dated_now()
    {
        var article = _normalizer.Normalize(Draft() with { Created = null, Updated = null });

        Assert.Equal(Clock.GetUtcNow(), article.Created);
        Assert.Equal(Clock.GetUtcNow(), article.Updated);
    }

    [Fact]
    public void Unknown_editions_or_sectors_named_by_the_source_are_rejected_with_the_known_ones()
    {
        var ex = Assert.Throws<RejectedInputException>(() => _normalizer.Normalize(Draft() with { Sectors = ["gossip"] }));

        Assert.Contains("Unknown sector 'gossip'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("health", ex.Message, StringComparison.Ordinal);
    }
}
