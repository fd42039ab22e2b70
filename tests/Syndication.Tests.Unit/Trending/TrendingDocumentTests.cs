using Syndication.Core.Articles;
using Syndication.Core.Trending;

namespace Syndication.Tests.Trending;

public sealed class TrendingDocumentTests
{
    private static TrendingDocumentItem Item(int rank, string id) => new()
    {
        Rank = rank,
        ArticleId = id,
        Headline = "Story " + id,
        Url = new Uri($"https://news.example.com/news/{id}"),
        Section = SectionType.News,
        Published = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero),
        Score = 1.0 / rank,
        Views = 10,
        DecayedViews = 10,
        GlobalShare = 0.1,
        PriorViews = 1,
        Held = false,
    };

    private static readonly TrendingDocument Box = new()
    {
        Edition = "india",
        ComputedAt = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero),
        Formula = new TrendingFormula(4, 48, 100, 0.1),
        DecayedTotal = 30,
        Items = [Item(1, "a"), Item(2, "b"), Item(3, "c")],
    };

    [Fact]
    public void A_withdrawn_story_leaves_the_box_and_those_below_move_up()
    {
        var without = Box.Without(new HashSet<string> { "b" });

        Assert.Equal(["a", "c"], without.ArticleIds);
        Assert.Equal([1, 2], without.Items.Select(i => i.Rank));
        Assert.False(without.ShowsSameAs(Box));
    }

    [Fact]
    public void A_box_without_the_withdrawn_story_is_left_as_it_is()
    {
        Assert.Same(Box, Box.Without(new HashSet<string> { "z" }));
    }
}
