using Syndication.Adapters.Storage;
using Syndication.Core.Articles;
using Syndication.Core.Trending;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Stages;

/// <summary>
/// <c>trending/{edition}.json</c> through its one adapter: what the trending stage writes is what the
/// feed build, the newsletter and the status page read back, at the cost the stages count on.
/// </summary>
public sealed class TrendingDocumentStoreTests
{
    private static TrendingDocument Box(string edition, params string[] headlines) => new()
    {
        Edition = edition,
        ComputedAt = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero),
        Formula = new TrendingFormula(4, 48, 100, 0.1),
        DecayedTotal = 42,
        Items = [.. headlines.Select((headline, i) => new TrendingDocumentItem
        {
            Rank = i + 1,
            ArticleId = $"{edition}-{i}",
            Headline = headline,
            Url = new Uri($"https://news.example.com/news/{edition}-{i}"),
            Section = SectionType.News,
            Published = new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero),
            Score = 0.5 / (i + 1),
            Views = 10,
            DecayedViews = 9.5,
            GlobalShare = 0.2,
            PriorViews = 20,
            Held = false,
        })],
    };

    [Fact]
    public async Task A_published_box_reads_back_whole_and_the_same_box_again_writes_nothing()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var store = pipeline.Get<TrendingDocumentStore>();
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        var box = Box("india", "Delhi begins dengue vaccination", "Millet returns to school meals");

        Assert.True(await store.PublishAsync(box, "public, max-age=60", CancellationToken.None));
        pipeline.Counter.Reset();
        var again = await store.PublishAsync(box, "public, max-age=60", CancellationToken.None);
        var publishCost = pipeline.Counter.Snapshot();
        var read = await store.ReadAsync("india", CancellationToken.None);

        Assert.False(again);
        Assert.Equal((1L, 0L), publishCost); // its properties, nothing written
        Assert.Equal("trending/india.json", read!.Path);
        Assert.True(box.ShowsSameAs(read.Document));
        Assert.Equal(box.ComputedAt, read.Document!.ComputedAt);
        Assert.Equal(box.Items.Select(i => i.Score), read.Document.Items.Select(i => i.Score));
    }

    [Fact]
    public async Task An_edition_without_a_box_is_none_for_one_read()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var store = pipeline.Get<TrendingDocumentStore>();
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        pipeline.Counter.Reset();

        Assert.Null(await store.ReadAsync("uk", CancellationToken.None));
        Assert.Equal((1L, 0L), pipeline.Counter.Snapshot());
    }

    [Fact]
    public async Task Every_edition_s_box_is_listed_without_the_trending_feeds_beside_them_and_a_file_that_is_no_box_says_so()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var store = pipeline.Get<TrendingDocumentStore>();
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        await store.PublishAsync(Box("india", "Delhi begins dengue vaccination"), "no-cache", CancellationToken.None);
        await store.PublishAsync(Box("global", "Markets rise"), "no-cache", CancellationToken.None);
        await pipeline.Storage.Feeds.GetBlobClient("trending/india/feed.json").UploadAsync(BinaryData.FromString("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}"));
        await pipeline.Storage.Feeds.GetBlobClient("trending/uk.json").UploadAsync(BinaryData.FromString("{\"edition\":\"uk\",\"items\":[{\"rank\":1,\"headline\":\"hand-edited\"}]}"));

        var all = await store.ReadAllAsync(CancellationToken.None);

        Assert.Equal(["trending/global.json", "trending/india.json", "trending/uk.json"], all.Select(s => s.Path));
        Assert.Equal(["global", "india"], all.Where(s => s.Document is not null).Select(s => s.Document!.Edition));
        Assert.Null(all.Single(s => s.Path == "trending/uk.json").Document);
    }
}
