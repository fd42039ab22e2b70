using System.Text;
using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;

namespace Syndication.Tests.Articles;

/// <summary>The one rule every output asks: is this story public now, and with which date.</summary>
public sealed class NewsroomRulesTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Lift = new(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_embargoed_story_is_public_at_its_lift_and_not_a_tick_before_dated_by_the_lift()
    {
        var before = NewsroomRules.At(PublicationStatus.Usable, Created, Created, Lift, Lift.AddTicks(-1));
        var at = NewsroomRules.At(PublicationStatus.Usable, Created, Created, Lift, Lift);

        Assert.Equal(Visibility.Embargoed, before.Visibility);
        Assert.Equal(Lift, before.LiftsAt);
        Assert.Equal(Visibility.Public, at.Visibility);
        Assert.Equal(Lift, at.PublicDate);
        Assert.Equal(Lift, at.PublicUpdated); // never before the public date
        Assert.Null(at.LiftsAt);
    }

    [Fact]
    public void A_story_dated_after_its_embargo_lifts_at_its_own_later_time()
    {
        var own = Lift.AddMinutes(5);

        var state = NewsroomRules.At(PublicationStatus.Usable, own, own, Lift, Lift.AddMinutes(1));

        Assert.Equal(Visibility.Embargoed, state.Visibility);
        Assert.Equal(own, state.LiftsAt);
        Assert.Equal(own, NewsroomRules.At(PublicationStatus.Usable, own, own, Lift, own).PublicDate);
    }

    [Fact]
    public void An_embargo_already_past_publishes_at_once_and_no_embargo_keeps_the_creation_date()
    {
        Assert.Equal(new PublicationState(Visibility.Public, Lift, Lift, null), NewsroomRules.At(PublicationStatus.Usable, Created, Created, Lift, Lift.AddDays(1)));
        Assert.Equal(new PublicationState(Visibility.Public, Created, Created.AddHours(1), null), NewsroomRules.At(PublicationStatus.Usable, Created, Created.AddHours(1), null, Created));
    }

    [Theory]
    [InlineData(PublicationStatus.Canceled)]
    [InlineData(PublicationStatus.Withheld)]
    public void A_kill_is_never_public_embargo_or_not(PublicationStatus status)
    {
        Assert.Equal(Visibility.Killed, NewsroomRules.At(status, Created, Created, null, Created.AddYears(1)).Visibility);
        Assert.Equal(Visibility.Killed, NewsroomRules.At(status, Created, Created, Lift, Lift.AddYears(1)).Visibility);
    }

    [Fact]
    public void The_lift_is_said_in_utc_and_in_each_edition_zone()
    {
        var catalog = new PublicationCatalog(new SyndicationOptions());

        var text = EmbargoText.Describe(Lift, catalog.Editions.Where(e => e.Id is "global" or "india" or "us"));

        Assert.Equal("embargoed until 2026-12-03 18:00 UTC (23:30 Thu 3 Dec +05:30 in India, Asia/Kolkata; 13:00 Thu 3 Dec -05:00 in United States, America/New_York)", text);
    }

    [Fact]
    public void Every_ninjs_version_carries_its_embargo_and_a_correction_but_never_its_ednote()
    {
        // 1.x snake_case, 2.x lowercase, 3.x camelCase: the embargo is 'embargoed' in all three.
        foreach (var json in new[]
        {
            """{"uri":"u","headline":"H","body_html":"<p>x</p>","embargoed":"2026-12-03T23:30:00+05:30","ednote":"Expanded.","correction":"The minister is <b>Rao</b>, not Roa."}""",
            """{"uri":"u","headlines":[{"value":"H"}],"bodies":[{"value":"x"}],"embargoed":"2026-12-03T18:00:00Z","ednote":"Expanded.","correction":"The minister is <b>Rao</b>, not Roa."}""",
            """{"uri":"u","headlines":[{"value":"H"}],"bodies":[{"value":"x"}],"embargoed":"2026-12-03T18:00:00Z","edNote":"Expanded.","correction":"The minister is <b>Rao</b>, not Roa."}""",
        })
        {
            var draft = NinjsReader.Read(Encoding.UTF8.GetBytes(json));

            Assert.Equal(Lift, draft.Embargoed);
            Assert.Equal("The minister is Rao, not Roa.", draft.Correction);
        }
    }

    [Fact]
    public void Markdown_front_matter_schedules_corrects_and_kills()
    {
        var text = "---\nuri: urn:t:1\nheadline: Title\nembargoed: 2026-12-03T23:30:00+05:30\ncorrection: Wards are 40, not 14.\npubstatus: canceled\n---\n\nBody.\n";

        var draft = MarkdownReader.Read(Encoding.UTF8.GetBytes(text), "t.md");

        Assert.Equal(Lift, draft.Embargoed);
        Assert.Equal("Wards are 40, not 14.", draft.Correction);
        Assert.Equal(PublicationStatus.Canceled, draft.Status);
        var wrong = Assert.Throws<RejectedInputException>(() => MarkdownReader.Read(Encoding.UTF8.GetBytes("---\nuri: u\nheadline: T\npubstatus: spiked\n---\n\nBody.\n"), "t.md"));
        Assert.Contains("use usable, withheld or canceled", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_embargoed_story_keeps_its_own_future_dates_which_are_not_taken_for_a_wrong_clock()
    {
        var clock = new FakeTimeProvider(Created);
        var normalizer = new ArticleNormalizer(new PublicationCatalog(new SyndicationOptions()), clock);
        var draft = new ArticleDraft { SourceKey = "u", Headline = "H", BodyHtml = "<p>x</p>", Created = Lift, Updated = Lift, Embargoed = Lift };

        var article = normalizer.Normalize(draft);
        var unembargoed = normalizer.Normalize(draft with { Embargoed = null });

        Assert.Equal(Lift, article.Created);
        Assert.Equal(Lift, article.EmbargoedUntil);
        Assert.Empty(article.Flags);
        Assert.Equal(Created, unembargoed.Created); // without the embargo, still a wrong clock
        Assert.Contains(ArticleFlags.CreatedInFuture, unembargoed.Flags);
    }

    [Fact]
    public void A_correction_undated_by_its_source_is_dated_by_its_arrival_and_stays_with_the_story()
    {
        var clock = new FakeTimeProvider(Created);
        var normalizer = new ArticleNormalizer(new PublicationCatalog(new SyndicationOptions()), clock);
        var draft = new ArticleDraft { SourceKey = "u", Headline = "H", BodyHtml = "<p>x</p>", Created = Created };
        var first = normalizer.Normalize(draft);
        clock.Advance(TimeSpan.FromHours(2));

        var corrected = normalizer.Normalize(draft with { Correction = "Fixed a name." }, first);
        var later = normalizer.Normalize(draft with { Headline = "H2" }, corrected);

        Assert.Equal(Created.AddHours(2), corrected.Updated);
        Assert.Equal(first.Id, corrected.Id);
        Assert.Equal(first.Url, corrected.Url);
        Assert.Equal("Fixed a name.", later.Correction);
    }

    private static Article Story(PublicationStatus status = PublicationStatus.Usable, DateTimeOffset? embargo = null) => new()
    {
        Id = "story",
        SourceKey = "urn:story",
        Slug = "story",
        Url = new Uri("https://news.example.com/news/story"),
        Headline = "Story",
        BodyHtml = "<p>Body</p>",
        Created = Created,
        Updated = Created,
        Status = status,
        EmbargoedUntil = embargo,
        Fingerprint = "f",
    };

    [Fact]
    public void A_kill_and_an_embargo_not_yet_lifted_are_recorded_out_of_view_the_embargo_until_its_lift()
    {
        Assert.Equal(new Withdrawal(WithdrawalChange.Record, null), NewsroomRules.WithdrawalOf(Story(PublicationStatus.Canceled), Story(), Created.AddHours(1)));
        Assert.Equal(new Withdrawal(WithdrawalChange.Record, Lift), NewsroomRules.WithdrawalOf(Story(embargo: Lift), previous: null, Created.AddHours(1)));
    }

    [Fact]
    public void A_public_version_clears_the_record_only_where_an_earlier_version_may_have_left_one()
    {
        Assert.Equal(WithdrawalChange.Clear, NewsroomRules.WithdrawalOf(Story(), Story(PublicationStatus.Withheld), Created.AddHours(1)).Change);
        Assert.Equal(WithdrawalChange.Clear, NewsroomRules.WithdrawalOf(Story(), Story(embargo: Lift), Created.AddHours(1)).Change);
        Assert.Equal(WithdrawalChange.None, NewsroomRules.WithdrawalOf(Story(), Story(), Created.AddHours(1)).Change);
        Assert.Equal(WithdrawalChange.None, NewsroomRules.WithdrawalOf(Story(), previous: null, Created.AddHours(1)).Change);
    }

    [Fact]
    public void A_withdrawn_story_stays_out_of_view_until_its_lift_and_a_kill_for_good()
    {
        Assert.True(NewsroomRules.IsStillWithdrawn(null, Lift.AddYears(1)));
        Assert.True(NewsroomRules.IsStillWithdrawn(Lift, Lift.AddTicks(-1)));
        Assert.False(NewsroomRules.IsStillWithdrawn(Lift, Lift));
    }
}
