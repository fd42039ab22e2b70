using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;
using Syndication.Core.Ingestion.Normalization;

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
    public void A_new_site_address_in_configuration_does_not_change_the_url_of_a_published_story()
    {
        var first = _normalizer.Normalize(Draft());
        var moved = new ArticleNormalizer(
            new PublicationCatalog(new SyndicationOptions { Site = new SiteOptions { BaseUrl = "https://www.news.example.org" } }), Clock);

        var edited = moved.Normalize(Draft() with { Updated = Draft().Updated!.Value.AddHours(1) }, first);
        var fresh = moved.Normalize(Draft() with { SourceKey = "urn:test:other" });

        Assert.Equal(first.Url, edited.Url);
        Assert.Equal("www.news.example.org", fresh.Url.Host);
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

    [Fact]
    public void The_body_is_cleaned_and_resolved_against_the_source_link()
    {
        var article = _normalizer.Normalize(Draft() with
        {
            SourceUrl = "https://wire.example.com/world/aleppo.html?utm_source=rss&id=7#top",
            BodyHtml = "<p onclick=\"x()\">Fighters crossed overnight.</p><script>steal()</script>"
                + "<img src=\"/img/aleppo.jpg\"><img src=\"https://t.example/p.gif\" width=\"1\" height=\"1\">"
                + "<iframe src=\"https://evil.example/embed\"></iframe><p>(With inputs from agencies.)</p>",
        });

        Assert.Equal(
            "<p>Fighters crossed overnight.</p><img src=\"https://wire.example.com/img/aleppo.jpg\"><p>(With inputs from agencies.)</p>",
            article.BodyHtml);
        Assert.Equal(new Uri("https://wire.example.com/world/aleppo.html?id=7"), article.SourceUrl);
        Assert.Equal("With inputs from agencies", article.Attribution);
        Assert.Empty(article.Flags);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("  <p> </p> ", null)]
    [InlineData("Plain summary.", "Plain summary.")]
    [InlineData("<p>Fighters <b>crossed</b> overnight &amp; held.</p><script>x()</script>", "Fighters crossed overnight & held.")]
    public void The_summary_is_plain_text(string? summary, string? expected)
    {
        Assert.Equal(expected, _normalizer.Normalize(Draft() with { Summary = summary }).Summary);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("urn:newsml:wire.example.com:aleppo")]
    [InlineData("/world/aleppo.html")]
    public void Without_an_http_source_link_there_is_no_source_url_and_relative_urls_stay(string? sourceUrl)
    {
        var article = _normalizer.Normalize(Draft() with { SourceUrl = sourceUrl, BodyHtml = "<p>t</p><img src=\"/img/a.jpg\">" });

        Assert.Null(article.SourceUrl);
        Assert.Equal("<p>t</p><img src=\"/img/a.jpg\">", article.BodyHtml);
    }

    [Fact]
    public void Dates_in_the_future_or_before_1990_are_replaced_by_now_and_flagged()
    {
        var future = _normalizer.Normalize(Draft() with { Created = Clock.GetUtcNow().AddDays(-1), Updated = new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        var epoch = _normalizer.Normalize(Draft() with { Created = DateTimeOffset.UnixEpoch, Updated = null });
        var both = _normalizer.Normalize(Draft() with { Created = DateTimeOffset.UnixEpoch, Updated = Clock.GetUtcNow().AddHours(3) });

        Assert.Equal(Clock.GetUtcNow().AddDays(-1), future.Created);
        Assert.Equal(Clock.GetUtcNow(), future.Updated);
        Assert.Equal([ArticleFlags.UpdatedInFuture], future.Flags);
        Assert.Equal(Clock.GetUtcNow(), epoch.Created);
        Assert.Equal(Clock.GetUtcNow(), epoch.Updated);
        Assert.Equal([ArticleFlags.CreatedTooOld], epoch.Flags);
        Assert.Equal([ArticleFlags.CreatedTooOld, ArticleFlags.UpdatedInFuture], both.Flags);
        Assert.Equal(Clock.GetUtcNow(), both.Created);
    }

    [Fact]
    public void A_date_just_ahead_of_our_clock_is_believed_within_the_configured_tolerance()
    {
        var soon = Draft() with { Updated = Clock.GetUtcNow().AddMinutes(10) };
        var strict = new ArticleNormalizer(new PublicationCatalog(new SyndicationOptions()), Clock, new IngestOptions { FutureDateToleranceMinutes = 5 });

        Assert.Equal(Clock.GetUtcNow().AddMinutes(10), _normalizer.Normalize(soon).Updated);
        Assert.Empty(_normalizer.Normalize(soon).Flags);
        Assert.Equal(Clock.GetUtcNow(), strict.Normalize(soon).Updated);
        Assert.Equal([ArticleFlags.UpdatedInFuture], strict.Normalize(soon).Flags);
    }

    [Fact]
    public void Iframe_hosts_come_from_the_settings()
    {
        var draft = Draft() with { BodyHtml = "<iframe src=\"https://www.dailymotion.com/embed/video/x1\"></iframe><p>t</p>" };
        var custom = new ArticleNormalizer(new PublicationCatalog(new SyndicationOptions()), Clock, new IngestOptions { IframeHosts = ["www.dailymotion.com"] });

        Assert.Equal("<p>t</p>", _normalizer.Normalize(draft).BodyHtml);
        Assert.Equal(draft.BodyHtml, custom.Normalize(draft).BodyHtml);
    }

    [Fact]
    public void A_body_with_nothing_left_after_cleaning_is_flagged()
    {
        var article = _normalizer.Normalize(Draft() with { BodyHtml = "<script>x()</script><img src=\"http://pixel.wp.com/b.gif?host=x\" width=\"1\" height=\"1\">" });

        Assert.Equal("", article.BodyHtml);
        Assert.Equal([ArticleFlags.BodyEmpty], article.Flags);
    }

    [Fact]
    public void The_text_hash_finds_the_same_story_under_another_headline_and_source()
    {
        var original = _normalizer.Normalize(Draft() with { BodyHtml = LongBody });
        var copy = _normalizer.Normalize(Draft("Aleppo standoff: forces intensify") with
        {
            SourceKey = "urn:other:aleppo",
            BodyHtml = "<div class=\"story\">" + LongBody.Replace("<p>", "<p style=\"margin: 0\">", StringComparison.Ordinal) + "</div>",
        });
        var other = _normalizer.Normalize(Draft("Monsoon lifts sowing") with { BodyHtml = "<p>Farmers planted more rice than last year as the rains came early.</p>" });

        Assert.NotEqual(0UL, original.TextHash);
        Assert.NotEqual(original.Id, copy.Id);
        Assert.True(NearDuplicate.AreNear(original.TextHash, copy.TextHash), $"{NearDuplicate.Distance(original.TextHash, copy.TextHash)} bits apart");
        Assert.False(NearDuplicate.AreNear(original.TextHash, other.TextHash));
        Assert.Equal(NearDuplicate.SimHash("Escalation in Aleppo: Forces Intensify Standoff\n" + HtmlCleaner.ToPlainText(LongBody)), original.TextHash);
    }

    [Fact]
    public void A_draft_without_a_source_url_keeps_the_fingerprint_it_had_before_the_property_existed()
    {
        // Stored stories must not be re-versioned by a re-drop only because the draft grew a property.
        Assert.DoesNotContain("SourceUrl", System.Text.Json.JsonSerializer.Serialize(Draft()), StringComparison.Ordinal);
        Assert.NotEqual(ArticleNormalizer.Fingerprint(Draft()), ArticleNormalizer.Fingerprint(Draft() with { SourceUrl = "https://wire.example.com/a" }));
    }

    [Fact]
    public void A_body_too_long_for_any_article_is_rejected_before_cleaning()
    {
        var huge = Draft() with { BodyHtml = string.Concat(Enumerable.Repeat("<p>x</p>", (ArticleNormalizer.MaxBodyLength / 8) + 1)) };

        var ex = Assert.Throws<RejectedInputException>(() => _normalizer.Normalize(huge));

        Assert.Contains("over the limit of 524,288", ex.Message, StringComparison.Ordinal);
    }

    private const string LongBody = """
        <p>Government forces and allied militias intensified their standoff around the northern city overnight, residents said, as fighters crossed the river on several points and shelling resumed on the eastern districts.</p>
        <p>Aid agencies said thousands of families had fled towards the border since the start of the week, and that the main road out of the city was crowded with cars, trucks and people on foot carrying what they could.</p>
        <p>A spokesman for the regional governor said talks on a local truce had been suspended after a convoy came under fire, and that a new round could begin only once the shelling stopped.</p>
        <p>(With inputs from agencies.)</p>
        """;
}
