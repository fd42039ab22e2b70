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

    /// <summary>
    /// A document as stored by the ranking runs before the shapes were documented apart (written by
    /// <see cref="TrendingDocument.From"/> and <see cref="TrendingDocument.ToUtf8Json"/> at that commit):
    /// what the site, the newsletter and the status page read today.
    /// </summary>
    private static readonly string StoredFixture = Path.Combine(Repository.Root, "tests", "Syndication.Tests.Unit", "Trending", "Fixtures", "trending-india.json");

    [Fact]
    public void A_stored_document_reads_back_and_writes_the_same_bytes()
    {
        var stored = File.ReadAllBytes(StoredFixture);

        var document = TrendingDocument.Parse(stored);

        Assert.NotNull(document);
        Assert.Equal(["a1b2c3d4e5f60718", "ffeeddccbbaa9988"], document.ArticleIds);
        Assert.Equal("The House in session", document.Items[0].Image?.Alt);
        Assert.Equal(SectionType.Opinion, document.Items[0].Section);
        Assert.Equal(0.314159, document.Items[0].Score);
        Assert.True(document.Items[1].Held);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(stored), System.Text.Encoding.UTF8.GetString(document.ToUtf8Json()));
    }

    [Fact]
    public void A_ranked_box_is_stored_rounded_with_its_section_and_picture_and_without_the_rankers_own_fields()
    {
        var published = new DateTimeOffset(2026, 11, 25, 6, 30, 0, TimeSpan.FromHours(5.5));
        var box = new TrendingBox("india", 1234.56789, [
            new TrendingItem
            {
                Rank = 1, ArticleId = "a1b2c3d4e5f60718", Headline = "Monsoon \"session\" opens <today> & more", Url = new Uri("https://news.example.com/india/monsoon-session"),
                ClusterId = "a1b2c3d4e5f60718", Published = published, Views = 420, DecayedViews = 398.1234567, GlobalShare = 0.123456789, PriorViews = 12.3456789,
                Score = 0.3141592653, PreviousRank = 2, RankChange = 1, Held = false,
            },
            new TrendingItem
            {
                Rank = 2, ArticleId = "ffeeddccbbaa9988", Headline = "मुंबई में बारिश", Published = published.AddHours(-3), Views = 77, DecayedViews = 60.0004999,
                GlobalShare = 0.0000004, PriorViews = 0.00004, Score = 0.0499999949, Held = true,
            },
        ]);

        var document = TrendingDocument.From(box, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), new TrendingOptions(), id => id == "a1b2c3d4e5f60718"
            ? (SectionType.Opinion, new ArticleImage(new Uri("https://news.example.com/img/monsoon.jpg"), "The House in session"))
            : (SectionType.News, null));

        var json = System.Text.Encoding.UTF8.GetString(document.ToUtf8Json());
        Assert.Equal(File.ReadAllText(StoredFixture), json);
        Assert.DoesNotContain("clusterId", json, StringComparison.Ordinal);
        Assert.DoesNotContain("rankChange", json, StringComparison.Ordinal);
    }
}
