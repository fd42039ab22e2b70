using Syndication.Core.Articles;

namespace Syndication.Tests.Articles;

/// <summary>Where a changed story goes in the newest-first lists the feeds read, as the newsroom's rules have it.</summary>
public sealed class IndexPlacementTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Lift = new(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);
    private static readonly string[] IndiaPolitics = ["all", "edition-india", "sector-politics", "section-news"];

    private static PendingVersion Version(int version, IReadOnlyList<string> scopes, DateTimeOffset? embargo = null, bool listed = true) => new()
    {
        Id = "story",
        Version = version,
        Key = $"story_{version:D6}",
        Listed = listed,
        Created = Created,
        EmbargoedUntil = embargo,
        Scopes = scopes,
        ChangedAt = Created,
    };

    [Fact]
    public void A_new_story_is_listed_in_its_feeds_at_its_creation_and_changes_only_them()
    {
        var placement = IndexPlacement.Of([Version(1, IndiaPolitics) with { Urgency = 4 }], Created.AddMinutes(1));

        Assert.Equal(IndiaPolitics, placement.ListedIn);
        Assert.Equal(Created, placement.State.PublicDate);
        Assert.Empty(placement.Unlisted);
        Assert.Equal(IndiaPolitics.ToHashSet(), placement.Touched);
        Assert.Equal(HoldChange.None, placement.Hold);
        Assert.False(placement.AlertDue);
        Assert.False(placement.Withdrawn);
    }

    [Fact]
    public void An_embargoed_first_version_is_held_listed_nowhere_and_changes_no_feed_until_its_lift()
    {
        var placement = IndexPlacement.Of([Version(1, IndiaPolitics, Lift) with { Urgency = 1 }], Created.AddMinutes(1));

        Assert.Equal(HoldChange.Hold, placement.Hold);
        Assert.Equal(Lift, placement.State.LiftsAt);
        Assert.Empty(placement.ListedIn);
        Assert.Empty(placement.Touched);
        Assert.False(placement.AlertDue);
        Assert.False(placement.Withdrawn);
    }

    [Fact]
    public void A_held_breaking_story_at_its_lift_is_listed_at_the_lift_and_its_alert_is_due()
    {
        var held = Version(1, IndiaPolitics, Lift) with { Key = "story", FromHeld = true, Urgency = 1, ChangedAt = Created };

        var placement = IndexPlacement.Of([held], Lift);

        Assert.True(placement.Lifted);
        Assert.True(placement.AlertDue);
        Assert.Equal(HoldChange.None, placement.Hold); // the held row leaves with the page it was read in
        Assert.Equal(IndiaPolitics, placement.ListedIn);
        Assert.Equal(Lift, placement.State.PublicDate);
        Assert.Empty(placement.Unlisted);
    }

    [Fact]
    public void A_kill_of_a_listed_story_takes_it_out_of_every_feed_it_was_in()
    {
        var kill = Version(2, IndiaPolitics, listed: false) with { PreviousScopes = IndiaPolitics, PreviousPublic = Created };

        var placement = IndexPlacement.Of([kill], Created.AddHours(1));

        Assert.Equal(Visibility.Killed, placement.State.Visibility);
        Assert.Empty(placement.ListedIn);
        Assert.Equal(IndiaPolitics.Select(scope => (scope, Created)).ToHashSet(), placement.Unlisted.ToHashSet());
        Assert.True(placement.Withdrawn);
        Assert.Equal(IndiaPolitics.ToHashSet(), placement.Touched);
        Assert.Equal(HoldChange.None, placement.Hold);
    }

    [Fact]
    public void A_new_embargo_on_a_public_story_withdraws_it_and_holds_it_again()
    {
        var again = Version(2, IndiaPolitics, Lift) with { PreviousScopes = IndiaPolitics, PreviousPublic = Created };

        var placement = IndexPlacement.Of([again], Created.AddHours(1));

        Assert.Equal(HoldChange.Hold, placement.Hold);
        Assert.True(placement.Withdrawn);
        Assert.Contains(("edition-india", Created), placement.Unlisted);
    }

    [Fact]
    public void A_version_that_lifts_an_embargo_early_releases_the_held_story()
    {
        var early = Version(2, IndiaPolitics) with { PreviousEmbargoed = true, PreviousPublic = Lift };

        var placement = IndexPlacement.Of([early], Created.AddHours(1));

        Assert.Equal(HoldChange.Release, placement.Hold);
        Assert.Equal(IndiaPolitics, placement.ListedIn);
        Assert.Contains(("all", Lift), placement.Unlisted); // where it was to be listed at the lift
        Assert.DoesNotContain(("all", Created), placement.Unlisted);
    }

    [Fact]
    public void The_newest_version_wins_and_the_feeds_an_earlier_one_left_lose_it()
    {
        string[] moved = ["all", "edition-india", "sector-business", "section-news"];
        var first = Version(1, IndiaPolitics);
        var second = Version(2, moved) with { PreviousScopes = IndiaPolitics, PreviousPublic = Created, Urgency = 1 };

        var placement = IndexPlacement.Of([second, first], Created.AddHours(1));

        Assert.Same(second, placement.Latest);
        Assert.Equal(moved, placement.ListedIn);
        Assert.Equal([("sector-politics", Created)], placement.Unlisted);
        Assert.Equal(IndiaPolitics.Concat(moved).ToHashSet(), placement.Touched);
        Assert.True(placement.AlertDue); // version 1 was applied in the same page: readers have not seen it yet
    }

    [Fact]
    public void An_update_of_a_breaking_story_readers_have_seen_alerts_nobody_again()
    {
        var update = Version(2, IndiaPolitics) with { PreviousScopes = IndiaPolitics, PreviousPublic = Created, Urgency = 1, ChangedAt = Created.AddHours(1) };

        Assert.False(IndexPlacement.Of([update], Created.AddHours(1)).AlertDue);
    }

    [Fact]
    public void Versions_of_two_stories_are_not_placed_together()
    {
        Assert.Throws<ArgumentException>(() => IndexPlacement.Of([Version(1, IndiaPolitics), Version(1, IndiaPolitics) with { Id = "other" }], Created));
        Assert.Throws<ArgumentException>(() => IndexPlacement.Of([], Created));
    }
}
