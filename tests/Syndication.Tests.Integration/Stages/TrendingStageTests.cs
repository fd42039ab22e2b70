using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using Syndication.Adapters.Storage;
using Syndication.Core.Ingestion;
using Syndication.Core.Trending;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;
using Syndication.Tests.Trending;

namespace Syndication.Tests.Stages;

/// <summary>
/// The trending stage end to end on Azurite: logs dropped into pageviews/, counted into the
/// table, ranked on the timer, published as trending/{edition}.json and trending feeds.
/// </summary>
public sealed class TrendingStageTests
{
    private static readonly HttpClient Http = new();

    /// <summary>The test clock's start (TestPipeline): 2026-11-25 09:00Z.</summary>
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static string Ts(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>Publishes an article into the index as ingest and the feed build would, and returns its id.</summary>
    private static async Task<string> PublishAsync(TestPipeline pipeline, string key, string headline, DateTimeOffset published, params string[] editions)
    {
        var outcome = await pipeline.Ingest.IngestDraftAsync(
            new ArticleDraft
            {
                SourceKey = key,
                Headline = headline,
                BodyHtml = $"<p>{headline}. {string.Join(' ', Enumerable.Repeat(key, 30))}</p>",
                Created = published,
                Updated = published,
                Editions = editions,
                Sectors = ["health"],
            },
            origin: key,
            CancellationToken.None);
        Assert.Equal(IngestResult.Accepted, outcome.Result);
        return outcome.ArticleId!;
    }

    private static async Task<PageViewCountOutcome> DropAndCountAsync(TestPipeline pipeline, string name, byte[] log)
    {
        var trending = pipeline.Get<TrendingStage>();
        await pipeline.Get<PageViewStore>().DropAsync(name, new MemoryStream(log), CancellationToken.None);
        return await trending.CountAsync(name, CancellationToken.None);
    }

    private static async Task<long> StoredViewsAsync(TestPipeline pipeline, string edition, string articleId) =>
        (await pipeline.Get<PageViewStore>().ReadAsync(Start.AddDays(-3), Start.AddDays(1), CancellationToken.None))
            .Where(c => c.Edition == edition && c.Article == articleId)
            .Sum(c => c.Views);

    private static async Task<TrendingDocument> PublishedBoxAsync(TestPipeline pipeline, string edition)
    {
        var url = pipeline.Feeds.PublicUrl(TrendingDocument.PathOf(edition));
        var document = TrendingDocument.Parse(await Http.GetByteArrayAsync(url));
        Assert.NotNull(document);
        return document;
    }

    [Fact]
    public async Task A_log_counted_twice_or_dropped_again_under_another_name_adds_its_views_once()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var id = await PublishAsync(pipeline, "urn:test:dengue", "Dengue vaccination begins", Start.AddHours(-3), "india");
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var log = new PageViewLog().Readers(40, Ts(Start.AddMinutes(-30)), "urn:test:dengue", "india").ToBytes();

        var first = await DropAndCountAsync(pipeline, "cdn-a/2026-11-25T08.jsonl", log);
        var again = await pipeline.Get<TrendingStage>().CountAsync("cdn-a/2026-11-25T08.jsonl", CancellationToken.None);
        var copy = await DropAndCountAsync(pipeline, "cdn-b/copy-of-08.jsonl", log);

        Assert.Equal(40, first.StoredViews);
        Assert.True(again.AlreadyCounted);
        Assert.Equal(0, copy.Write!.RowsWritten);
        Assert.Equal(1, copy.Write.RowsAlreadyCounted);
        Assert.Equal(40, await StoredViewsAsync(pipeline, "india", id));
    }

    [Fact]
    public async Task A_count_interrupted_half_way_and_run_again_adds_each_view_once()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var ids = new List<string>();
        var log = new PageViewLog();
        for (var i = 0; i < 150; i++)
        {
            ids.Add(await PublishAsync(pipeline, $"urn:test:story-{i}", $"Story number {i} of the day", Start.AddHours(-5), "india"));
            log.Readers(i % 7 + 1, Ts(Start.AddMinutes(-20)), $"urn:test:story-{i}", "india", firstSession: i * 10);
        }

        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var bytes = log.ToBytes();
        var fileKey = Convert.ToHexStringLower(SHA256.HashData(bytes), 0, 6);

        // The crash: the first 60 rows of this file made it into the table before the process died.
        var store = pipeline.Get<PageViewStore>();
        var hour = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        var written = await store.AddAsync(fileKey, [.. ids.Take(60).Select((id, i) => new HourlyViewCount("india", id, hour, i % 7 + 1))], CancellationToken.None);
        Assert.Equal(60, written.RowsWritten);

        var rerun = await DropAndCountAsync(pipeline, "2026-11-25T08.jsonl", bytes);

        Assert.Equal(60, rerun.Write!.RowsAlreadyCounted);
        Assert.Equal(90, rerun.Write.RowsWritten);
        for (var i = 0; i < 150; i += 37)
        {
            Assert.Equal(i % 7 + 1, await StoredViewsAsync(pipeline, "india", ids[i]));
        }
    }

    [Fact]
    public async Task Two_logs_counted_at_once_into_the_same_rows_add_up_exactly()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await PublishAsync(pipeline, $"urn:test:shared-{i}", $"Shared story {i}", Start.AddHours(-4), "uk"));
        }

        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var logs = Enumerable.Range(0, 4).Select(node =>
        {
            var log = new PageViewLog();
            for (var i = 0; i < 5; i++)
            {
                log.Readers(10 + node, Ts(Start.AddMinutes(-10)), $"urn:test:shared-{i}", "uk", firstSession: (node * 1000) + (i * 100));
            }

            return log.ToBytes();
        }).ToList();

        var store = pipeline.Get<PageViewStore>();
        for (var node = 0; node < logs.Count; node++)
        {
            await store.DropAsync($"node-{node}.jsonl", new MemoryStream(logs[node]), CancellationToken.None);
        }

        var trending = pipeline.Get<TrendingStage>();
        await Task.WhenAll(Enumerable.Range(0, logs.Count).Select(node => trending.CountAsync($"node-{node}.jsonl", CancellationToken.None)));

        foreach (var id in ids)
        {
            Assert.Equal(10 + 11 + 12 + 13, await StoredViewsAsync(pipeline, "uk", id));
        }
    }

    [Fact]
    public async Task Malformed_lines_bots_repeats_and_unknown_articles_are_reported_and_not_counted()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var id = await PublishAsync(pipeline, "urn:test:wind", "Offshore wind auction", Start.AddHours(-2), "uk");
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var at = Ts(Start.AddMinutes(-5));
        var log = new PageViewLog()
            .Readers(5, at, "urn:test:wind", "uk")
            .Raw("{\"ts\":\"not a time\",\"article\":\"urn:test:wind\"")
            .Readers(3, at, "urn:test:wind", "uk", firstSession: 100, agent: "bot")
            .View(at, "urn:test:wind", "uk", PageViewLog.Session(0))
            .Readers(2, at, "urn:test:no-such-story", "uk", firstSession: 200)
            .Readers(4, at, "urn:test:wind", "atlantis", firstSession: 300)
            .Raw("garbage");

        var outcome = await DropAndCountAsync(pipeline, "mixed.jsonl", log.ToBytes());

        Assert.Equal(5, outcome.StoredViews);
        Assert.Equal(2, outcome.Aggregation!.MalformedLines);
        Assert.Equal([6, 17], outcome.Aggregation.FirstMalformedLines);
        Assert.Equal(3, outcome.Aggregation.BotViews);
        Assert.Equal(1, outcome.Aggregation.DuplicateSessionViews);
        Assert.Equal(2, outcome.UnknownArticleViews);
        Assert.Equal(["urn:test:no-such-story"], outcome.UnknownKeys);
        Assert.Equal(4, outcome.UnknownEditionViews);
        Assert.Equal(5, await StoredViewsAsync(pipeline, "uk", id));

        // The report stays with the log, where an operator looks.
        var properties = await pipeline.Storage.Container(StorageNames.PageViewsContainer).GetBlobClient("mixed.jsonl").GetPropertiesAsync();
        Assert.Equal("2", properties.Value.Metadata["malformed"]);
        Assert.Equal("6,17", properties.Value.Metadata["malformedlines"]);
    }

    [Fact]
    public async Task The_sweep_counts_logs_whose_event_was_missed_and_skips_those_counted()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await PublishAsync(pipeline, "urn:test:sweep", "A swept story", Start.AddHours(-1), "global");
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var store = pipeline.Get<PageViewStore>();
        await DropAndCountAsync(pipeline, "counted.jsonl", new PageViewLog().Readers(3, Ts(Start.AddMinutes(-3)), "urn:test:sweep", "global").ToBytes());
        await store.DropAsync("missed.jsonl", new MemoryStream(new PageViewLog().Readers(2, Ts(Start.AddMinutes(-2)), "urn:test:sweep", "global", firstSession: 50).ToBytes()), CancellationToken.None);

        var swept = await pipeline.Get<TrendingStage>().SweepAsync(CancellationToken.None);

        Assert.Equal("missed.jsonl", Assert.Single(swept).File);
        Assert.Empty(await pipeline.Get<TrendingStage>().SweepAsync(CancellationToken.None));
    }

    /// <summary>
    /// The simulation of the issue: a story published 30 hours ago with a huge early peak, and one
    /// published 2 hours ago that readers are turning to now. The rising one leads the box.
    /// </summary>
    [Fact]
    public async Task A_fresh_rising_story_beats_a_stale_peak()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var stale = await PublishAsync(pipeline, "urn:test:stale", "Yesterday's big story", Start.AddHours(-30), "india");
        var rising = await PublishAsync(pipeline, "urn:test:rising", "The story breaking now", Start.AddHours(-2), "india");
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        var session = 0;
        for (var hoursAgo = 30; hoursAgo >= 1; hoursAgo--)
        {
            var hour = Start.AddHours(-hoursAgo);
            var log = new PageViewLog();
            // The stale story: 3,000 readers an hour for its first five hours, then 60 an hour.
            var staleReaders = hoursAgo > 25 ? 3000 : 60;
            log.Readers(staleReaders, Ts(hour.AddMinutes(20)), "urn:test:stale", "india", session);
            session += staleReaders;
            if (hoursAgo <= 2)
            {
                // The rising story: 150 readers in its first hour, 450 in the last.
                var risingReaders = hoursAgo == 2 ? 150 : 450;
                log.Readers(risingReaders, Ts(hour.AddMinutes(30)), "urn:test:rising", "india", session);
                session += risingReaders;
            }

            await DropAndCountAsync(pipeline, $"{hour:yyyy-MM-ddTHH}.jsonl", log.ToBytes());
        }

        var boxes = await pipeline.Get<TrendingStage>().RankAsync(CancellationToken.None);

        var india = boxes.Single(b => b.Edition == "india");
        Assert.True(india.Changed);
        Assert.Equal([rising, stale], india.Document.ArticleIds);
        var published = await PublishedBoxAsync(pipeline, "india");
        Assert.Equal("The story breaking now", published.Items[0].Headline);
        Assert.True(published.Items[0].DecayedViews > published.Items[1].DecayedViews);
        Assert.True(published.Items[1].Views > 10 * published.Items[0].Views, "the stale story has far more raw views");
    }

    [Fact]
    public async Task A_bot_burst_does_not_move_the_box_and_an_unchanged_box_writes_nothing()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var first = await PublishAsync(pipeline, "urn:test:first", "The most read story", Start.AddHours(-3), "uk");
        var second = await PublishAsync(pipeline, "urn:test:second", "The second story", Start.AddHours(-3), "uk");
        var botTarget = await PublishAsync(pipeline, "urn:test:target", "A story the bots love", Start.AddHours(-3), "uk");
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var at = Ts(Start.AddMinutes(-40));
        await DropAndCountAsync(pipeline, "humans.jsonl", new PageViewLog()
            .Readers(300, at, "urn:test:first", "uk")
            .Readers(200, at, "urn:test:second", "uk", firstSession: 1000)
            .Readers(20, at, "urn:test:target", "uk", firstSession: 2000)
            .ToBytes());
        var trending = pipeline.Get<TrendingStage>();
        var before = (await trending.RankAsync(CancellationToken.None)).Single(b => b.Edition == "uk");
        Assert.Equal([first, second, botTarget], before.Document.ArticleIds);
        var url = pipeline.Feeds.PublicUrl(TrendingDocument.PathOf("uk"));
        using var firstGet = await Http.GetAsync(url);
        var etag = firstGet.Headers.ETag!;

        // Five thousand crawler hits on the third story, and five minutes pass.
        await DropAndCountAsync(pipeline, "crawler.jsonl", new PageViewLog().Readers(5000, Ts(Start.AddMinutes(-5)), "urn:test:target", "uk", firstSession: 5000, agent: "bot").ToBytes());
        pipeline.Clock.Advance(TimeSpan.FromMinutes(5));
        pipeline.Counter.Reset();
        var after = (await trending.RankAsync(CancellationToken.None)).Single(b => b.Edition == "uk");

        Assert.False(after.Changed);
        Assert.Equal(before.Document.ArticleIds, after.Document.ArticleIds);
        Assert.Equal(0, pipeline.Counter.Writes);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        using var notModified = await Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Each_edition_gets_trending_feeds_in_rank_order_listed_in_the_feed_index()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var low = await PublishAsync(pipeline, "urn:test:low", "Read by a few", Start.AddHours(-6), "india");
        var high = await PublishAsync(pipeline, "urn:test:high", "Read by many", Start.AddHours(-8), "india");
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var at = Ts(Start.AddMinutes(-15));
        await DropAndCountAsync(pipeline, "views.jsonl", new PageViewLog()
            .Readers(30, at, "urn:test:low", "india")
            .Readers(90, at, "urn:test:high", "india", firstSession: 500)
            .ToBytes());

        await pipeline.Get<TrendingStage>().RankAsync(CancellationToken.None);
        await pipeline.Feeds.BuildAsync(rebuildAll: true, CancellationToken.None);

        var rss = XDocument.Parse(await Http.GetStringAsync(pipeline.Feeds.PublicUrl("trending/india/rss.xml")));
        var channel = rss.Root!.Element("channel")!;
        Assert.Equal(["Read by many", "Read by a few"], channel.Elements("item").Select(i => i.Element("title")!.Value));
        Assert.Contains("Trending in India", channel.Element("title")!.Value, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await Http.GetStringAsync(pipeline.Feeds.PublicUrl("trending/india/feed.json")));
        Assert.Equal(2, json.RootElement.GetProperty("items").GetArrayLength());
        var index = await Http.GetStringAsync(pipeline.Feeds.PublicUrl("index.html"));
        Assert.Contains("trending/india/atom.xml", index, StringComparison.Ordinal);
        Assert.Equal(high, (await PublishedBoxAsync(pipeline, "india")).ArticleIds[0]);
        Assert.Equal(low, (await PublishedBoxAsync(pipeline, "india")).ArticleIds[1]);
    }
}
