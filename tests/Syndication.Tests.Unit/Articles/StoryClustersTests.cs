using Syndication.Core.Articles;
using Syndication.Core.Ingestion.Normalization;

namespace Syndication.Tests.Articles;

public sealed class StoryClustersTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A wire story's fingerprint; <see cref="Copy"/> is 4 bits from it, <see cref="Other"/> a different story.</summary>
    private const ulong Wire = 0x86850124E8909A94;
    private const ulong Copy = Wire ^ 0b1011_0000_0001;
    private const ulong Other = ~Wire;

    [Fact]
    public void The_fingerprints_used_here_are_near_and_far_as_the_rule_measures_them()
    {
        Assert.True(NearDuplicate.AreNear(Wire, Copy));
        Assert.False(NearDuplicate.AreNear(Wire, Other));
    }

    [Fact]
    public void A_copy_of_a_recent_story_joins_that_story_s_cluster()
    {
        var recent = new[] { new ClusterMember("agency-a", Wire, "story-1", Noon), new ClusterMember("local", Other, "local", Noon) };

        var clusters = StoryClusters.Assign(recent, [new ClusterChange("agency-b", Copy, Noon.AddHours(5))]);

        Assert.Equal("story-1", clusters["agency-b"]);
    }

    [Fact]
    public void A_copy_published_more_than_three_days_apart_is_a_story_of_its_own()
    {
        var recent = new[] { new ClusterMember("agency-a", Wire, "agency-a", Noon) };

        var clusters = StoryClusters.Assign(recent, [
            new ClusterChange("late", Copy, Noon + StoryClusters.Window + TimeSpan.FromMinutes(1)),
            new ClusterChange("in-time", Copy, Noon - StoryClusters.Window)]);

        Assert.Equal("late", clusters["late"]);
        Assert.Equal("agency-a", clusters["in-time"]);
    }

    [Fact]
    public void A_changed_story_that_is_near_nothing_keeps_the_cluster_it_had()
    {
        var recent = new[] { new ClusterMember("corrected", Wire, "story-1", Noon) };

        var clusters = StoryClusters.Assign(recent, [new ClusterChange("corrected", Other, Noon)]);

        Assert.Equal("story-1", clusters["corrected"]);
    }

    [Fact]
    public void Of_two_copies_changed_together_the_later_joins_the_earlier_whatever_order_they_come_in()
    {
        var clusters = StoryClusters.Assign([], [
            new ClusterChange("second", Copy, Noon.AddMinutes(30)),
            new ClusterChange("first", Wire, Noon)]);

        Assert.Equal("first", clusters["first"]);
        Assert.Equal("first", clusters["second"]);
    }

    [Fact]
    public void A_story_without_text_to_compare_never_joins_another()
    {
        var recent = new[] { new ClusterMember("blank", 0, "blank", Noon), new ClusterMember("agency-a", Wire, "agency-a", Noon) };

        var clusters = StoryClusters.Assign(recent, [new ClusterChange("photo-only", 0, Noon), new ClusterChange("agency-b", Copy, Noon)]);

        Assert.Equal("photo-only", clusters["photo-only"]);
        Assert.Equal("agency-a", clusters["agency-b"]);
    }

    [Fact]
    public void A_feed_walking_newest_first_shows_each_story_once_by_its_newest_telling()
    {
        var stories = new OneTellingPerStory();

        Assert.True(stories.Admits("agency-b", "agency-a")); // the newest copy stands for the story
        Assert.True(stories.Admits("alone", null));
        Assert.False(stories.Admits("agency-a", "agency-a")); // the older telling of the same story
        Assert.True(stories.Admits("other", "other"));
        Assert.False(stories.Admits("alone", null));
    }
}
