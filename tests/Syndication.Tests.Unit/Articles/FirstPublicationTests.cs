using Syndication.Core.Articles;

namespace Syndication.Tests.Articles;

public sealed class FirstPublicationTests
{
    private static readonly DateTimeOffset Ingested = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_story_s_first_version_is_its_first_publication()
    {
        Assert.True(FirstPublication.Is([new RecordedVersion(1, false, null, Ingested)], fromHeld: false));
    }

    [Fact]
    public void A_correction_of_a_story_readers_have_seen_is_not()
    {
        Assert.False(FirstPublication.Is([new RecordedVersion(2, false, Ingested.AddHours(-3), Ingested)], fromHeld: false));
    }

    [Fact]
    public void A_story_whose_embargo_lifts_is_published_for_the_first_time_then()
    {
        Assert.True(FirstPublication.Is([new RecordedVersion(1, false, null, Ingested.AddHours(-5))], fromHeld: true));
        Assert.True(FirstPublication.Is([new RecordedVersion(3, false, null, Ingested.AddHours(-5))], fromHeld: true));
    }

    [Fact]
    public void A_version_that_replaces_one_still_held_is_the_first_publication_and_one_that_replaces_a_lifted_embargo_is_not()
    {
        // The embargo of version 1 was to lift at noon; version 2 came at nine, so readers never saw version 1.
        Assert.True(FirstPublication.Is([new RecordedVersion(2, true, Ingested.AddHours(3), Ingested)], fromHeld: false));

        // Version 1's embargo lifted at six; version 2 at nine is an update of a story already public.
        Assert.False(FirstPublication.Is([new RecordedVersion(2, true, Ingested.AddHours(-3), Ingested)], fromHeld: false));
    }

    [Fact]
    public void Versions_applied_together_count_as_first_when_any_of_them_is()
    {
        Assert.True(FirstPublication.Is([new RecordedVersion(1, false, null, Ingested), new RecordedVersion(2, false, Ingested, Ingested.AddMinutes(1))], fromHeld: false));
    }
}
