using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Trending;

namespace Syndication.Tests.Trending;

public sealed class TrendingRankerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 10, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ThisHour = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static TrendingRanker Ranker(TrendingOptions? options = null, DateTimeOffset? now = null) =>
        new(new FakeTimeProvider(now ?? Now), options);

    private static TrendingArticle Article(string id, double hoursOld, string? cluster = null) =>
        new(id, "Headline " + id, Now.AddHours(-hoursOld), cluster);

    private static HourlyViewCount Views(string edition, string id, int hoursAgo, long views) =>
        new(edition, id, ThisHour.AddHours(-hoursAgo), views);

    private static IEnumerable<HourlyViewCount> Steady(string edition, string id, int fromHoursAgo, int toHoursAgo, long perHour)
    {
        for (var h = fromHoursAgo; h >= toHoursAgo; h--)
        {
            yield return Views(edition, id, h, perHour);
        }
    }

    private static string[] Ids(TrendingRanking ranking, string edition) =>
        ranking.For(edition)!.Items.Select(i => i.ArticleId).ToArray();

    [Fact]
    public void A_two_hour_old_story_rising_fast_beats_a_thirty_hour_old_one_with_a_huge_early_peak()
    {
        // The old story had 31,200 views, the new one 1,600: without decay the old one would win.
        var views = Steady("global", "old-peak", 30, 25, 5_000)
            .Concat(Steady("global", "old-peak", 24, 1, 50))
            .Concat([Views("global", "rising", 2, 300), Views("global", "rising", 1, 900), Views("global", "rising", 0, 400)])
            .ToArray();
        Assert.True(views.Where(v => v.Article == "old-peak").Sum(v => v.Views) > 10 * views.Where(v => v.Article == "rising").Sum(v => v.Views));

        var ranking = Ranker().Rank(new TrendingInput
        {
            Views = views,
            Articles = [Article("old-peak", 30.2), Article("rising", 2.1)],
        });

        var box = ranking.For("global")!;
        Assert.Equal(["rising", "old-peak"], box.Items.Select(i => i.ArticleId));
        Assert.True(box.Items[0].DecayedViews > box.Items[1].DecayedViews);
        Assert.Equal(31_200, box.Items[1].Views);
    }

    [Fact]
    public void Articles_older_than_the_window_cannot_trend()
    {
        var ranking = Ranker().Rank(new TrendingInput
        {
            Views = [Views("global", "stale", 0, 10_000), Views("global", "fresh", 0, 10)],
            Articles = [Article("stale", 49), Article("fresh", 3)],
        });

        Assert.Equal(["fresh"], Ids(ranking, "global"));
    }

    [Fact]
    public void A_bot_burst_on_one_article_does_not_move_it()
    {
        var humans = new PageViewLog()
            .Readers(300, "2026-11-25T11:05:00Z", "a", "global")
            .Readers(250, "2026-11-25T11:06:00Z", "b", "global", firstSession: 1000)
            .Readers(200, "2026-11-25T11:07:00Z", "c", "global", firstSession: 2000);
        var withBurst = new PageViewLog()
            .Raw(humans.ToString().TrimEnd('\n'))
            .Readers(5_000, "2026-11-25T11:30:00Z", "c", "global", firstSession: 50_000, agent: "bot")
            .Readers(5_000, "2026-11-25T11:31:00Z", "c", "global", firstSession: 60_000, agent: "Mozilla/5.0 (compatible; Googlebot/2.1)")
            .Readers(1, "2026-11-25T11:32:00Z", "c", "global", firstSession: 2000); // a reader reloading: one session
        for (var i = 0; i < 2_000; i++)
        {
            withBurst.View("2026-11-25T11:40:00Z", "c", "global", PageViewLog.Session(2001));
        }

        var before = PageViewAggregator.Aggregate(humans.ToBytes());
        var after = PageViewAggregator.Aggregate(withBurst.ToBytes());
        TrendingArticle[] articles = [Article("a", 5), Article("b", 5), Article("c", 5)];

        Assert.Equal(before.Buckets, after.Buckets);
        Assert.Equal(10_000, after.BotViews);
        var rankBefore = Ranker().Rank(new TrendingInput { Views = before.Buckets.ToArray(), Articles = articles });
        var rankAfter = Ranker().Rank(new TrendingInput { Views = after.Buckets.ToArray(), Articles = articles });
        Assert.Equal(["a", "b", "c"], Ids(rankAfter, "global"));
        Assert.Equal(rankBefore.For("global")!.Items, rankAfter.For("global")!.Items);
    }

    [Fact]
    public void The_same_input_twice_gives_the_same_boxes_whatever_the_order_of_the_rows()
    {
        var views = Enumerable.Range(0, 30)
            .SelectMany(a => Steady(a % 3 == 0 ? "india" : "global", "a" + a, 6, 0, 10 + (a * 7 % 13)))
            .ToArray();
        var articles = Enumerable.Range(0, 30).Select(a => Article("a" + a, 7 + (a % 5))).ToArray();

        var first = Ranker().Rank(new TrendingInput { Views = views, Articles = articles });
        var again = Ranker().Rank(new TrendingInput { Views = views.Reverse().ToArray(), Articles = articles.Reverse().ToArray(), PreviousBoxes = first.ToPreviousBoxes() });

        Assert.Equal(["global", "india"], first.Boxes.Select(b => b.Edition));
        foreach (var box in first.Boxes)
        {
            var same = again.For(box.Edition)!;
            Assert.Equal(10, box.Items.Count);
            Assert.Equal(box.Items.Select(i => (i.ArticleId, i.Score, i.DecayedViews, i.PriorViews)), same.Items.Select(i => (i.ArticleId, i.Score, i.DecayedViews, i.PriorViews)));
            Assert.All(same.Items, i => Assert.Equal(0, i.RankChange));
        }
    }

    [Fact]
    public void A_small_change_does_not_reorder_the_box_and_a_real_one_does()
    {
        TrendingArticle[] articles = [Article("a", 5), Article("b", 5), Article("c", 5)];
        TrendingRanking Run(long a, long b, long c, TrendingRanking? previous) => Ranker().Rank(new TrendingInput
        {
            Views = [Views("global", "a", 0, a), Views("global", "b", 0, b), Views("global", "c", 0, c)],
            Articles = articles,
            PreviousBoxes = previous?.ToPreviousBoxes() ?? new Dictionary<string, IReadOnlyList<string>>(),
        });

        var first = Run(1_000, 900, 800, null);
        Assert.Equal(["a", "b", "c"], Ids(first, "global"));

        // b now leads a by 4%: within the 10% margin, the box stays as readers saw it.
        var nudged = Run(1_000, 1_040, 800, first);
        Assert.Equal(["a", "b", "c"], Ids(nudged, "global"));
        Assert.True(nudged.For("global")!.Items[0].Held);
        Assert.Equal(0, nudged.For("global")!.Items[1].RankChange);
        Assert.Equal(["b", "a", "c"], Ids(Run(1_000, 1_040, 800, null), "global")); // without a previous box, the plain order

        // b leads by 20%: it takes first place.
        var overtaken = Run(1_000, 1_200, 800, nudged);
        Assert.Equal(["b", "a", "c"], Ids(overtaken, "global"));
        Assert.Equal(1, overtaken.For("global")!.Items[0].RankChange);
        Assert.Equal(-1, overtaken.For("global")!.Items[1].RankChange);
        Assert.False(overtaken.For("global")!.Items[0].Held);
    }

    [Fact]
    public void Neighbours_within_the_margin_do_not_hide_a_riser_far_above_the_top()
    {
        // Each article scores within 10% of the one above it, but e is 40% above a.
        TrendingArticle[] articles = [Article("a", 5), Article("b", 5), Article("c", 5), Article("d", 5), Article("e", 5)];
        var first = Ranker().Rank(new TrendingInput
        {
            Views = [Views("global", "a", 0, 1_500), Views("global", "b", 0, 1_400), Views("global", "c", 0, 1_300), Views("global", "d", 0, 1_200), Views("global", "e", 0, 1_100)],
            Articles = articles,
        });

        var drifted = Ranker().Rank(new TrendingInput
        {
            Views = [Views("global", "a", 0, 1_000), Views("global", "b", 0, 1_090), Views("global", "c", 0, 1_180), Views("global", "d", 0, 1_290), Views("global", "e", 0, 1_400)],
            Articles = articles,
            PreviousBoxes = first.ToPreviousBoxes(),
        });

        Assert.Equal(["a", "b", "c", "d", "e"], Ids(first, "global"));
        var box = drifted.For("global")!.Items;
        Assert.Equal(["e", "d", "c", "a", "b"], box.Select(i => i.ArticleId));
        for (var i = 0; i < box.Count; i++)
        {
            for (var j = i + 1; j < box.Count; j++)
            {
                Assert.True(box[j].Score <= box[i].Score * 1.10, $"{box[j].ArticleId} is more than 10% above {box[i].ArticleId} yet below it");
            }
        }
    }

    [Fact]
    public void An_outsider_enters_a_full_box_only_by_beating_its_weakest_by_the_margin()
    {
        var options = new TrendingOptions { TopCount = 3 };
        TrendingArticle[] articles = [Article("a", 5), Article("b", 5), Article("c", 5), Article("d", 5)];
        TrendingRanking Run(long d, TrendingRanking? previous) => Ranker(options).Rank(new TrendingInput
        {
            Views = [Views("global", "a", 0, 1_000), Views("global", "b", 0, 900), Views("global", "c", 0, 800), Views("global", "d", 0, d)],
            Articles = articles,
            PreviousBoxes = previous?.ToPreviousBoxes() ?? new Dictionary<string, IReadOnlyList<string>>(),
        });

        var first = Run(500, null);
        Assert.Equal(["a", "b", "c"], Ids(first, "global"));
        Assert.Equal(["a", "b", "c"], Ids(Run(850, first), "global"));
        Assert.True(Run(850, first).For("global")!.Items[2].Held);
        var entered = Run(950, first);
        Assert.Equal(["a", "b", "d"], Ids(entered, "global"));
        Assert.Null(entered.For("global")!.Items[2].PreviousRank);
    }

    [Fact]
    public void Three_views_in_a_small_edition_do_not_crown_an_obscure_story_over_the_global_favourite()
    {
        HourlyViewCount[] views =
        [
            Views("global", "favourite", 1, 20_000),
            Views("india", "favourite", 1, 1_500),
            Views("india", "obscure", 40, 1), // read once, long ago, elsewhere
            Views("africa", "obscure", 0, 3),
        ];
        TrendingArticle[] articles = [Article("favourite", 3), Article("obscure", 45)];

        var africa = Ranker().Rank(new TrendingInput { Views = views, Articles = articles }).For("africa")!;
        var unsmoothed = Ranker(new TrendingOptions { PriorWeight = 0 }).Rank(new TrendingInput { Views = views, Articles = articles }).For("africa")!;

        Assert.Equal(["favourite", "obscure"], africa.Items.Select(i => i.ArticleId));
        Assert.Equal(0, africa.Items[0].DecayedViews);
        Assert.True(africa.Items[0].PriorViews > 90);
        Assert.Equal("obscure", unsmoothed.Items[0].ArticleId); // the prior is what keeps the box sane
    }

    [Fact]
    public void A_big_edition_is_ranked_by_its_own_readers()
    {
        HourlyViewCount[] views =
        [
            Views("global", "favourite", 0, 20_000),
            Views("india", "favourite", 0, 1_500),
            Views("india", "local", 0, 5_000),
        ];
        TrendingArticle[] articles = [Article("favourite", 3), Article("local", 3)];

        var ranking = Ranker().Rank(new TrendingInput { Views = views, Articles = articles, Editions = ["global", "india", "us"] });

        Assert.Equal(["favourite", "local"], Ids(ranking, "global"));
        Assert.Equal(["local", "favourite"], Ids(ranking, "india"));
        Assert.Equal(["favourite", "local"], Ids(ranking, "us")); // no readers of its own: the site's order
    }

    [Fact]
    public void Near_duplicates_appear_once_as_the_best_read_copy()
    {
        var ranking = Ranker().Rank(new TrendingInput
        {
            Views = [Views("global", "agency-1", 0, 900), Views("global", "agency-2", 0, 1_000), Views("global", "agency-3", 0, 300), Views("global", "other", 0, 500)],
            Articles = [Article("agency-1", 4, "storm"), Article("agency-2", 4, "storm"), Article("agency-3", 4, "storm"), Article("other", 4)],
        });

        Assert.Equal(["agency-2", "other"], Ids(ranking, "global"));
        Assert.Equal("storm", ranking.For("global")!.Items[0].ClusterId);
    }

    [Fact]
    public void The_copy_already_in_the_box_keeps_the_clusters_seat_within_the_margin()
    {
        TrendingArticle[] articles = [Article("agency-1", 4, "storm"), Article("agency-2", 4, "storm")];
        var first = Ranker().Rank(new TrendingInput { Views = [Views("global", "agency-1", 0, 1_000), Views("global", "agency-2", 0, 900)], Articles = articles });

        var next = Ranker().Rank(new TrendingInput
        {
            Views = [Views("global", "agency-1", 0, 1_000), Views("global", "agency-2", 0, 1_050)],
            Articles = articles,
            PreviousBoxes = first.ToPreviousBoxes(),
        });

        var item = Assert.Single(next.For("global")!.Items);
        Assert.Equal("agency-1", item.ArticleId);
        Assert.True(item.Held);
    }

    [Fact]
    public void Every_item_carries_the_parts_of_its_score()
    {
        var options = new TrendingOptions { PriorWeight = 50 };
        var ranking = Ranker(options).Rank(new TrendingInput
        {
            Views = [Views("india", "a", 0, 40), Views("india", "a", 4, 40), Views("global", "b", 0, 200), Views("india", "b", 8, 10)],
            Articles = [Article("a", 6), Article("b", 9)],
        });

        var india = ranking.For("india")!;
        var a = india.Items.Single(i => i.ArticleId == "a");
        Assert.Equal(80, a.Views);
        Assert.Equal(40 + (40 * Math.Pow(2, -(3 + (40 / 60.0)) / 4)), a.DecayedViews, 9); // aged from the middle of its hour (08:30); the running hour counts as fresh
        Assert.Equal(india.DecayedTotal, india.Items.Sum(i => i.DecayedViews), 9);
        foreach (var item in india.Items)
        {
            Assert.Equal(50 * item.GlobalShare, item.PriorViews, 9);
            Assert.Equal((item.DecayedViews + item.PriorViews) / (india.DecayedTotal + 50), item.Score, 12);
            Assert.Null(item.PreviousRank);
            Assert.False(item.Held);
        }

        Assert.Equal(1, ranking.For("global")!.Items.Sum(i => i.GlobalShare), 9);
    }

    [Fact]
    public void Settings_out_of_range_are_named()
    {
        var errors = new TrendingOptions { HalfLife = TimeSpan.Zero, TopCount = 0, HysteresisMargin = -1, PriorWeight = double.NaN }.Validate();

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.Contains("HalfLife", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => Ranker(new TrendingOptions { TopCount = 0 }));
        Assert.Empty(TrendingOptions.Default.Validate());
    }
}
