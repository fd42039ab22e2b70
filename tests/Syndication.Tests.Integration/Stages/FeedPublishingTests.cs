using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Syndication.Adapters.Storage;
using Syndication.Functions.Functions;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Stages;

/// <summary>
/// Event-driven publishing: an article's event builds the feeds at once; the events of a burst,
/// on however many instances, find the build in progress (one request each) and wait for its next
/// build; two builds never run at once. The gate is the WebSub ping of the site-wide feed, which
/// every build that publishes an article sends once: the first build is held there, with the
/// lease, while the test does what it wants to happen meanwhile. The coalescing window runs on the
/// test's clock, so nothing here waits on wall-clock time.
/// </summary>
public sealed class FeedPublishingTests
{
    // Never dialled: the gated handler below answers the pinger's requests.
    private const string HubUrl = "http://127.0.0.1:9/hub";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Syndication:Feeds:HubUrl"] = HubUrl,
        ["Syndication:Feeds:CoalesceSeconds"] = "10",
    };

    private static readonly string[] Syllables = ["ka", "lo", "mi", "ru", "ten", "vas", "qui", "dor", "pel", "zan", "bri", "sto", "gul", "hex", "wen", "yor"];

    /// <summary>A story of its own words: near-duplicates would be folded into one story cluster in the feeds.</summary>
    private static (string Name, byte[] Content, string Headline) Story(string tag, int i)
    {
        var random = new Random((tag.Length * 1000) + i);
        string Word() => string.Concat(Enumerable.Range(0, 3).Select(_ => Syllables[random.Next(Syllables.Length)]));
        var headline = string.Create(CultureInfo.InvariantCulture, $"Story {tag}-{i}: {Word()} {Word()} {Word()}");
        var body = string.Join(' ', Enumerable.Range(0, 60).Select(_ => Word()));
        return ($"{tag}-{i}.md", Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"""
            ---
            uri: "urn:test:publishing:{tag}:{i}"
            headline: "{headline}"
            created: 2026-11-25T08:{i % 60:D2}:00Z
            editions: [india]
            sectors: [health]
            ---
            {body}.
            """)), headline);
    }

    private static async Task<string> FeedAsync(TestPipeline pipeline, string path) =>
        (await pipeline.Storage.Container(StorageNames.FeedsContainer).GetBlobClient(path).DownloadContentAsync()).Value.Content.ToString();

    [Fact]
    public async Task Events_of_a_burst_during_a_build_cost_one_request_each_on_another_instance_and_are_published_by_the_next_build()
    {
        var hub = new GatedHub();
        await using var first = await TestPipeline.StartAsync(Settings, configure: services => services.AddSingleton(new WebSubPinger(new HttpClient(hub))));
        await using var second = await TestPipeline.StartAsync(Settings, account: first.Account);
        var lead = Story("lead", 0);
        await first.DropAndIngestAsync(lead.Name, lead.Content);

        // The lead article's event: its build publishes at once and stops at the gate, holding the lease.
        var session = new PublishArticleChanges(first.Get<FeedPublishing>()).Run(null!, "lead.json", CancellationToken.None);
        await hub.BuildReached(1);

        // A burst of 30 lands on another instance meanwhile; each event finds the build in progress.
        var burst = Enumerable.Range(1, 30).Select(i => Story("burst", i)).ToList();
        foreach (var story in burst)
        {
            await second.DropAndIngestAsync(story.Name, story.Content);
        }

        var before = second.Counter.Total;
        var outcomes = await Task.WhenAll(burst.Select(s => second.Get<FeedPublishing>().PublishChangesAsync(s.Name, CancellationToken.None)));
        Assert.All(outcomes, o => Assert.True(o.Held));
        Assert.Equal(burst.Count, second.Counter.Total - before); // one lease attempt per event, nothing else
        Assert.All(outcomes, o => Assert.Equal(0, o.Builds));

        // So does the timer, and an editor's `feeds` waits for the lease instead of building beside it.
        var timerBefore = second.Counter.Total;
        await new BuildFeeds(second.Get<FeedPublishing>()).Run(new TimerInfo(), CancellationToken.None);
        Assert.Equal(1, second.Counter.Total - timerBefore);
        var cli = second.Get<FeedPublishing>().BuildAsync(rebuildAll: false, CancellationToken.None);
        Assert.False(cli.IsCompleted);

        var rss = await FeedAsync(first, "rss.xml");
        Assert.Contains(lead.Headline, rss, StringComparison.Ordinal);
        Assert.DoesNotContain("Story burst-", rss, StringComparison.Ordinal);

        // The window after the first build's start passes; the build ends and builds the burst at once.
        first.Clock.Advance(TimeSpan.FromSeconds(10));
        hub.Open();
        await hub.BuildReached(2);
        first.Clock.Advance(TimeSpan.FromSeconds(10));
        await session;

        rss = await FeedAsync(first, "rss.xml");
        Assert.All(burst, s => Assert.Contains(s.Headline, rss, StringComparison.Ordinal));
        Assert.Equal(2, hub.SiteFeedPings); // two builds: the lead article's, then the whole burst's
        Assert.Empty(await cli); // it ran after them, with nothing left to build
        Assert.False(await first.Index.HasPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Reindex_rebuilds_a_lost_index_from_the_stored_articles_and_the_feeds_come_back_the_same()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var stories = Enumerable.Range(0, 3).Select(i => Story("reindex", i)).ToList();
        foreach (var story in stories)
        {
            await pipeline.DropAndIngestAsync(story.Name, story.Content);
        }

        var publishing = pipeline.Get<FeedPublishing>();
        await publishing.BuildAsync(rebuildAll: false, CancellationToken.None);
        var before = await FeedAsync(pipeline, "editions/india/rss.xml");

        // The index table loses every row (a mistaken delete, or rows of an older layout), and the feed goes with it.
        var index = pipeline.Storage.Table(StorageNames.ArticleIndexTable);
        foreach (var row in index.Query<Azure.Data.Tables.TableEntity>(select: ["PartitionKey", "RowKey"]).ToList())
        {
            await index.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        await pipeline.Storage.Container(StorageNames.FeedsContainer).GetBlobClient("editions/india/rss.xml").DeleteAsync();

        var progress = new List<ReindexProgress>();
        var feeds = await publishing.ReindexAsync(progress.Add, CancellationToken.None);

        Assert.Equal([new ReindexProgress(3, Building: false), new ReindexProgress(3, Building: true)], progress);
        Assert.Contains(feeds, f => f.Path == "editions/india/rss.xml" && f.Written && f.Items == 3);
        Assert.Equal(before, await FeedAsync(pipeline, "editions/india/rss.xml"));
        Assert.All(stories, story => Assert.Contains(story.Headline, before, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_session_publishes_once_per_window_and_reports_its_builds()
    {
        var hub = new GatedHub();
        await using var pipeline = await TestPipeline.StartAsync(Settings, configure: services => services.AddSingleton(new WebSubPinger(new HttpClient(hub))));
        var publishing = pipeline.Get<FeedPublishing>();
        var one = Story("window", 1);
        await pipeline.DropAndIngestAsync(one.Name, one.Content);
        hub.Open();

        var session = publishing.PublishChangesAsync("window-1.json", CancellationToken.None);
        await hub.BuildReached(1);

        // A change after the first build began waits for the window to pass, then is built by the same session.
        var two = Story("window", 2);
        await pipeline.DropAndIngestAsync(two.Name, two.Content);
        Assert.Equal(1, hub.SiteFeedPings);
        pipeline.Clock.Advance(TimeSpan.FromSeconds(10));
        await hub.BuildReached(2);
        pipeline.Clock.Advance(TimeSpan.FromSeconds(10));
        var done = await session;

        Assert.False(done.Held);
        Assert.Equal(2, done.Builds);
        Assert.Contains(two.Headline, await FeedAsync(pipeline, "editions/india/rss.xml"), StringComparison.Ordinal);

        // Nothing new: an event costs a lease, one look at the queue, a release, one more look and the run's row.
        var before = pipeline.Counter.Total;
        var idle = await publishing.PublishChangesAsync("again.json", CancellationToken.None);
        Assert.Equal(0, idle.Builds);
        Assert.Equal(5, pipeline.Counter.Total - before);
    }

    [Fact]
    public async Task A_session_ends_while_a_story_is_held_by_its_embargo_and_the_sitemaps_notes_are_not_yet_due()
    {
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?> { ["Syndication:Feeds:CoalesceSeconds"] = "0" });
        var publishing = pipeline.Get<FeedPublishing>();
        var open = Story("open", 1);
        await pipeline.DropAndIngestAsync(open.Name, open.Content);
        var held = Encoding.UTF8.GetString(Story("held", 1).Content).Replace("editions: [india]", "editions: [india]\nembargoed: 2026-11-26T09:00:00Z", StringComparison.Ordinal);
        await pipeline.DropAndIngestAsync("held-1.md", Encoding.UTF8.GetBytes(held));

        // Both stay in the queue's range after the build (the held row until its lift, the sitemaps'
        // notes until their next due time); neither is work, so the session ends after its one build.
        var done = await publishing.PublishChangesAsync("open-1.json", CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, done.Builds);
        Assert.Single((await pipeline.Get<StatusStage>().WriteAsync(CancellationToken.None)).Held);
        Assert.False(await pipeline.Index.HasPendingAsync(CancellationToken.None));
        Assert.DoesNotContain("Story held-", await FeedAsync(pipeline, "editions/india/rss.xml"), StringComparison.Ordinal);

        // At the lift the held row is work again: the next event's session publishes it.
        pipeline.Clock.Advance(TimeSpan.FromDays(1));
        Assert.True(await pipeline.Index.HasPendingAsync(CancellationToken.None));
        Assert.Equal(1, (await publishing.PublishChangesAsync("timer", CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1))).Builds);
        Assert.Contains("Story held-", await FeedAsync(pipeline, "editions/india/rss.xml"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_event_loop_ingests_a_drop_and_publishes_it_as_the_two_events_would()
    {
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?> { ["Syndication:Feeds:CoalesceSeconds"] = "0" });
        var story = Story("local", 1);
        await pipeline.DropZone.DropAsync(story.Name, BinaryData.FromBytes(story.Content), CancellationToken.None);
        var events = pipeline.Get<LocalBlobEvents>();

        var delivered = Assert.Single(await events.PollAsync(CancellationToken.None));

        Assert.Equal((story.Name, IngestResult.Accepted), (delivered.File, delivered.Result));
        Assert.Contains(story.Headline, await FeedAsync(pipeline, "editions/india/rss.xml"), StringComparison.Ordinal);
        Assert.Empty(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobs());
        Assert.Empty(await events.PollAsync(CancellationToken.None));

        // The same as runs of the stages: one ingest (the drop's event), one feed build (the article's).
        var runs = pipeline.Storage.Table(StorageNames.StageRunsTable).Query<Azure.Data.Tables.TableEntity>().Select(r => r.PartitionKey).ToList();
        Assert.Equal(["feeds", "ingest"], runs.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Serve_publishes_a_file_dropped_into_incoming_within_seconds()
    {
        await using var serve = await LocalServe.StartAsync();
        var story = Story("serve", 1);
        var incoming = new BlobContainerClient(serve.Account.ConnectionString, StorageNames.IncomingContainer);
        await incoming.CreateIfNotExistsAsync();

        await incoming.GetBlobClient(story.Name).UploadAsync(BinaryData.FromBytes(story.Content));

        // Nothing but serve runs here: its own loop delivers the drop's event and then the article's.
        var feed = new BlobClient(serve.Account.ConnectionString, StorageNames.FeedsContainer, "editions/india/rss.xml");
        string? rss = null;
        for (var attempt = 0; attempt < 600 && rss?.Contains(story.Headline, StringComparison.Ordinal) != true; attempt++)
        {
            await Task.Delay(100);
            rss = await feed.ExistsAsync() ? (await feed.DownloadContentAsync()).Value.Content.ToString() : null;
        }

        Assert.Contains(story.Headline, rss, StringComparison.Ordinal);
        Assert.Empty(incoming.GetBlobs());
    }

    /// <summary>
    /// The WebSub hub as the pinger's HTTP handler: answers 204, counts the pings of the site-wide
    /// RSS feed (one per build that publishes), and holds the first of them until <see cref="Open"/>.
    /// </summary>
    private sealed class GatedHub : HttpMessageHandler
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _reached = new();
        private int _siteFeedPings;

        public int SiteFeedPings => Volatile.Read(ref _siteFeedPings);

        public void Open() => _gate.TrySetResult();

        /// <summary>Completes when build <paramref name="n"/> pings the site-wide feed (a safety timeout, not a timing).</summary>
        public Task BuildReached(int n) => Reached(n).Task.WaitAsync(TimeSpan.FromMinutes(2));

        private TaskCompletionSource Reached(int n) => _reached.GetOrAdd(n, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var form = await request.Content!.ReadAsStringAsync(cancellationToken);
            if (WebUtility.UrlDecode(form).EndsWith("/feeds/rss.xml", StringComparison.Ordinal))
            {
                var n = Interlocked.Increment(ref _siteFeedPings);
                Reached(n).TrySetResult();
                if (n == 1)
                {
                    await _gate.Task.WaitAsync(cancellationToken);
                }
            }

            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }
    }
}
