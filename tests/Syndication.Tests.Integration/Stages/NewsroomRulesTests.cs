using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;
using Syndication.Tests.Newsletters;
using Syndication.Tests.Trending;

namespace Syndication.Tests.Stages;

/// <summary>
/// The newsroom's rules as a wire desk relies on them, end to end on Azurite with a fake clock:
/// an embargo holds in every public blob and every email until the first build after its lift;
/// a new version moves or removes it; a kill leaves every output in one build and every
/// newsletter not yet sent, a send in progress included.
/// </summary>
public sealed class NewsroomRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private static readonly DateTimeOffset Lift = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A ninjs 2.x item about India; distinct words per story, so no two are taken for one story.</summary>
    private static byte[] Ninjs(string uri, string headline, string created, string? embargoed = null, string pubstatus = "usable", string? correction = null)
    {
        var words = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"{headline.Split(' ')[i % headline.Split(' ').Length].ToLowerInvariant()}{i * 7 % 13}"));
        var extra = (embargoed is null ? "" : $",\"embargoed\":\"{embargoed}\"") + (correction is null ? "" : $",\"correction\":\"{correction}\"");
        return Encoding.UTF8.GetBytes(
            $$"""{"uri":"{{uri}}","headlines":[{"value":"{{headline}}"}],"bodies":[{"contenttype":"text/plain","value":"{{headline}}. {{words}}"}],"firstcreated":"{{created}}","versioncreated":"{{created}}","pubstatus":"{{pubstatus}}","place":[{"code":"IN","name":"India"}]{{extra}}}""");
    }

    private static Task<IReadOnlyList<FeedResult>> BuildAsync(TestPipeline pipeline, bool all = false) =>
        pipeline.Feeds.BuildAsync(rebuildAll: all, CancellationToken.None);

    /// <summary>Every public blob (the feeds container, the archived newsletter pages) that mentions <paramref name="text"/>.</summary>
    private static async Task<List<string>> PublicBlobsMentioningAsync(TestPipeline pipeline, string text)
    {
        var found = new List<string>();
        foreach (var container in new[] { pipeline.Storage.Feeds, pipeline.Storage.Container(StorageNames.NewslettersContainer) })
        {
            if (!await container.ExistsAsync())
            {
                continue;
            }

            await foreach (var blob in container.GetBlobsAsync())
            {
                var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                if (content.Contains(text, StringComparison.Ordinal))
                {
                    found.Add($"{container.Name}/{blob.Name}");
                }
            }
        }

        return found;
    }

    private static async Task<int> PublicFeedBlobsAsync(TestPipeline pipeline)
    {
        var count = 0;
        await foreach (var _ in pipeline.Storage.Feeds.GetBlobsAsync())
        {
            count++;
        }

        return count;
    }

    private static async Task<XElement?> RssItemAsync(TestPipeline pipeline, string path, string headline)
    {
        var rss = XDocument.Parse((await pipeline.Storage.Feeds.GetBlobClient(path).DownloadContentAsync()).Value.Content.ToString());
        return rss.Root!.Element("channel")!.Elements("item").FirstOrDefault(i => i.Element("title")!.Value == headline);
    }

    private static DateTimeOffset PubDate(XElement item) =>
        DateTimeOffset.Parse(item.Element("pubDate")!.Value, CultureInfo.InvariantCulture);

    private static Edition India(TestPipeline pipeline) => pipeline.Get<PublicationCatalog>().FindEdition("india")!;

    [Fact]
    public async Task An_embargoed_story_is_in_no_public_blob_and_no_email_until_the_first_build_after_its_lift_publishes_it_by_itself()
    {
        await using var hub = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = sendGrid.Settings();
        settings["Syndication:Feeds:HubUrl"] = hub.Url("hub").AbsoluteUri;
        await using var pipeline = await TestPipeline.StartAsync(settings);
        const string Headline = "Finance ministry unveils rural credit guarantee scheme";
        await pipeline.DropAndIngestAsync("monsoon.json", Ninjs("urn:t:monsoon", "Monsoon retreats from the southern peninsula", "2026-11-25T08:00:00Z"));
        await BuildAsync(pipeline, all: true);
        pipeline.Counter.Reset();
        await BuildAsync(pipeline);
        var idleCost = pipeline.Counter.Total;

        var held = await pipeline.DropAndIngestAsync("credit.json", Ninjs("urn:t:credit", Headline, "2026-11-25T08:30:00Z", embargoed: "2026-11-25T17:30:00+05:30"));
        var build = await BuildAsync(pipeline, all: true);

        // Ingest says when, in UTC and in the edition's own zone.
        Assert.Equal("embargoed until 2026-11-25 12:00 UTC (17:30 Wed 25 Nov +05:30 in India, Asia/Kolkata)", held.Publication);
        Assert.NotEmpty(build);
        Assert.Empty(await PublicBlobsMentioningAsync(pipeline, Headline));
        Assert.Empty(await PublicBlobsMentioningAsync(pipeline, held.ArticleId!));

        // The private status page lists it with its lift.
        var status = await pipeline.Get<StatusStage>().WriteAsync(CancellationToken.None);
        var listed = Assert.Single(status.Held);
        Assert.Equal(Lift, listed.LiftsAt);
        var page = (await pipeline.Storage.Container(StorageNames.StatusContainer).GetBlobClient("index.html").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains(Headline, page, StringComparison.Ordinal);
        Assert.Contains("embargoed until 2026-11-25 12:00 UTC", page, StringComparison.Ordinal);

        // The morning's newsletter goes without it.
        await NewsletterStageTests.SeedAsync(pipeline, "reader", 2, edition: "india", sectors: []);
        var morning = await pipeline.Get<NewsletterStage>().SendIssueAsync(India(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);
        Assert.Equal(2, morning.Sent);
        Assert.All(sendGrid.Delivered, m => Assert.DoesNotContain(Headline, m.Html, StringComparison.Ordinal));
        Assert.All(sendGrid.Delivered, m => Assert.Contains("Monsoon retreats", m.Html, StringComparison.Ordinal));

        // A second before the lift: still held, and an idle build costs what it always did.
        pipeline.Clock.SetUtcNow(Lift.AddSeconds(-1));
        pipeline.Counter.Reset();
        Assert.Empty(await BuildAsync(pipeline));
        Assert.Equal(idleCost, pipeline.Counter.Total);
        Assert.Equal(1, pipeline.Counter.Total); // the change queue's one query, which reads the held story too
        Assert.Equal(0, pipeline.Counter.Writes);
        Assert.Empty(await PublicBlobsMentioningAsync(pipeline, Headline));
        var pingsBefore = hub.Requests.Count;

        // The first build after the lift publishes it, with no new drop, dated by the lift, and pings the hub.
        pipeline.Clock.SetUtcNow(Lift.AddSeconds(30));
        var lifted = await BuildAsync(pipeline);

        Assert.True(lifted.Single(f => f.Path == "rss.xml").Written);
        Assert.True(lifted.Single(f => f.Path == "editions/india/atom.xml").Written);
        foreach (var path in new[] { "rss.xml", "editions/india/rss.xml", "editions/global/rss.xml" })
        {
            var item = await RssItemAsync(pipeline, path, Headline);
            Assert.NotNull(item);
            Assert.Equal(Lift, PubDate(item));
        }

        var pings = hub.Requests.Skip(pingsBefore).Select(r => Uri.UnescapeDataString(r.Body)).ToList();
        Assert.Contains(pings, p => p.EndsWith("/feeds/rss.xml", StringComparison.Ordinal));
        Assert.Contains(pings, p => p.EndsWith("/feeds/editions/india/feed.json", StringComparison.Ordinal));
        Assert.Empty((await pipeline.Get<StatusStage>().WriteAsync(CancellationToken.None)).Held);

        // The next newsletter carries it; the morning's is not sent again.
        var next = await pipeline.Get<NewsletterStage>().SendIssueAsync(India(pipeline), NewsletterCadence.Daily, Today.AddDays(1), dryRun: false, CancellationToken.None);
        var resent = await pipeline.Get<NewsletterStage>().SendIssueAsync(India(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);
        Assert.Equal(2, next.Sent);
        Assert.Equal(0, resent.Sent);
        Assert.All(sendGrid.Delivered.Where(m => m.Issue == "india/2026-11-26"), m => Assert.Contains(Headline, m.Html, StringComparison.Ordinal));
        Assert.Equal(4, sendGrid.Delivered.Count);
    }

    [Fact]
    public async Task A_new_version_moves_removes_or_kills_an_embargo()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        const string Moved = "Telecom regulator sets spectrum auction reserve price";
        const string Removed = "Railways add overnight trains between Pune and Nagpur";
        const string Killed = "Court reserves verdict in the airport land dispute";
        await pipeline.DropAndIngestAsync("moved.json", Ninjs("urn:t:moved", Moved, "2026-11-25T08:00:00Z", embargoed: "2026-11-25T12:00:00Z"));
        await pipeline.DropAndIngestAsync("removed.json", Ninjs("urn:t:removed", Removed, "2026-11-25T08:10:00Z", embargoed: "2026-11-25T12:00:00Z"));
        var killed = await pipeline.DropAndIngestAsync("killed.json", Ninjs("urn:t:killed", Killed, "2026-11-25T08:20:00Z", embargoed: "2026-11-25T12:00:00Z"));
        await BuildAsync(pipeline, all: true);
        Assert.Equal(3, (await pipeline.Get<StatusStage>().WriteAsync(CancellationToken.None)).Held.Count);

        // At 10:00 the desk moves one embargo to 15:00, lifts another at once, and kills the third.
        pipeline.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        await pipeline.DropAndIngestAsync("moved.json", Ninjs("urn:t:moved", Moved, "2026-11-25T08:00:00Z", embargoed: "2026-11-25T15:00:00Z"));
        await pipeline.DropAndIngestAsync("removed.json", Ninjs("urn:t:removed", Removed, "2026-11-25T08:10:00Z"));
        var kill = await pipeline.DropAndIngestAsync("killed.json", Ninjs("urn:t:killed", Killed, "2026-11-25T08:20:00Z", embargoed: "2026-11-25T12:00:00Z", pubstatus: "canceled"));
        await BuildAsync(pipeline);

        Assert.Equal("killed (pubstatus canceled): in no public output", kill.Publication);
        var removedItem = await RssItemAsync(pipeline, "editions/india/rss.xml", Removed);
        Assert.NotNull(removedItem);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 10, 0, TimeSpan.Zero), PubDate(removedItem)); // no embargo: its own date
        Assert.Empty(await PublicBlobsMentioningAsync(pipeline, Moved));
        var stillHeld = Assert.Single((await pipeline.Get<StatusStage>().WriteAsync(CancellationToken.None)).Held);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero), stillHeld.LiftsAt);

        // The old lift passes: nothing. The new one passes: the moved story, dated by its new lift.
        pipeline.Clock.SetUtcNow(Lift.AddMinutes(5));
        Assert.Empty(await BuildAsync(pipeline));
        Assert.Empty(await PublicBlobsMentioningAsync(pipeline, Moved));
        pipeline.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 15, 0, 30, TimeSpan.Zero));
        await BuildAsync(pipeline);
        var movedItem = await RssItemAsync(pipeline, "rss.xml", Moved);
        Assert.NotNull(movedItem);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero), PubDate(movedItem));

        // Killed during its embargo: never published, anywhere, even after every build.
        await BuildAsync(pipeline, all: true);
        Assert.Empty(await PublicBlobsMentioningAsync(pipeline, Killed));
        Assert.Empty(await PublicBlobsMentioningAsync(pipeline, killed.ArticleId!));
        Assert.Empty((await pipeline.Get<StatusStage>().WriteAsync(CancellationToken.None)).Held);
    }

    [Fact]
    public async Task A_kill_leaves_every_output_in_one_build_and_every_newsletter_not_yet_sent_a_send_in_progress_included()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        // A long timeout: the kill is ingested while the first batch's request waits, and must not make it time out.
        await using var pipeline = await TestPipeline.StartAsync(sendGrid.Settings(batchSize: 1, timeoutSeconds: 30));
        const string Doomed = "Minister resigns over procurement report";
        const string Kept = "Kochi metro extends its line to the airport";
        var doomed = await pipeline.DropAndIngestAsync("doomed.json", Ninjs("urn:t:doomed", Doomed, "2026-11-25T07:00:00Z"));
        await pipeline.DropAndIngestAsync("kept.json", Ninjs("urn:t:kept", Kept, "2026-11-25T07:30:00Z"));
        await BuildAsync(pipeline, all: true);

        // Readers made both trend in India.
        var trending = pipeline.Get<TrendingStage>();
        var log = new PageViewLog()
            .Readers(40, "2026-11-25T08:10:00Z", "urn:t:doomed", "india")
            .Readers(30, "2026-11-25T08:20:00Z", "urn:t:kept", "india", firstSession: 100);
        await pipeline.Get<PageViewStore>().DropAsync("views.jsonl", new MemoryStream(log.ToBytes()), CancellationToken.None);
        await trending.CountAsync("views.jsonl", CancellationToken.None);
        await trending.RankAsync(CancellationToken.None);
        Assert.Contains("feeds/trending/india.json", await PublicBlobsMentioningAsync(pipeline, Doomed));
        Assert.Contains("feeds/trending/india/rss.xml", await PublicBlobsMentioningAsync(pipeline, Doomed));

        // The morning's issue is being sent, one reader a batch, when the desk kills the story.
        var readers = await NewsletterStageTests.SeedAsync(pipeline, "reader", 4, edition: "india", sectors: []);
        var killedAt = 0;
        sendGrid.OnRequest = n =>
        {
            if (n == 1)
            {
                pipeline.DropAndIngestAsync("doomed.json", Ninjs("urn:t:doomed", Doomed, "2026-11-25T07:00:00Z", pubstatus: "canceled")).GetAwaiter().GetResult();
                killedAt = n;
            }
        };
        var sending = await pipeline.Get<NewsletterStage>().SendIssueAsync(India(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);

        Assert.Equal(1, killedAt);
        Assert.Equal(4, sending.Sent);
        var mails = sendGrid.Delivered.ToList();
        Assert.Contains(Doomed, mails[0].Html, StringComparison.Ordinal); // the batch already in flight
        Assert.All(mails.Skip(1), m => Assert.DoesNotContain(Doomed, m.Html, StringComparison.Ordinal));
        Assert.All(mails, m => Assert.Contains(Kept, m.Html, StringComparison.Ordinal));
        Assert.Equal(readers.Count, mails.Select(m => m.Subscriber).Distinct().Count());

        // Before any feed build, an issue built now leaves it out too.
        var tomorrow = await pipeline.Get<NewsletterStage>().BuildIssueAsync(India(pipeline), NewsletterCadence.Daily, Today.AddDays(1), CancellationToken.None);
        Assert.DoesNotContain(tomorrow.Stories, s => s.Headline == Doomed);
        Assert.Contains(tomorrow.Stories, s => s.Headline == Kept);

        // One feed build: out of every feed, the trending box and its feeds; nothing public names it.
        var build = await BuildAsync(pipeline);
        Assert.Contains(build, f => f.Path == "trending/india.json" && f.Written);
        Assert.Contains(build, f => f.Path == "trending/india/rss.xml" && f.Written);
        Assert.Empty(await PublicBlobsMentioningAsync(pipeline, Doomed));
        Assert.Empty(await PublicBlobsMentioningAsync(pipeline, doomed.ArticleId!));
        Assert.NotEmpty(await PublicBlobsMentioningAsync(pipeline, Kept));
        Assert.True(await PublicFeedBlobsAsync(pipeline) > 0);

        // The next issue goes without it; the original stays in archive/ for the record.
        await NewsletterStageTests.SeedAsync(pipeline, "late", 1, edition: "india", sectors: []);
        await pipeline.Get<NewsletterStage>().SendIssueAsync(India(pipeline), NewsletterCadence.Daily, Today.AddDays(1), dryRun: false, CancellationToken.None);
        Assert.All(sendGrid.Delivered.Where(m => m.Issue == "india/2026-11-26"), m => Assert.DoesNotContain(Doomed, m.Html, StringComparison.Ordinal));
        Assert.Equal(5, sendGrid.Delivered.Count(m => m.Issue == "india/2026-11-26"));
        var archive = pipeline.Storage.Container(StorageNames.ArchiveContainer);
        var kept = new List<string>();
        await foreach (var blob in archive.GetBlobsAsync())
        {
            kept.Add((await archive.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
        }

        Assert.Contains(kept, k => k.Contains(Doomed, StringComparison.Ordinal) && k.Contains("\"usable\"", StringComparison.Ordinal));
        Assert.Contains(kept, k => k.Contains(Doomed, StringComparison.Ordinal) && k.Contains("\"canceled\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_correction_shows_on_top_of_the_same_item_in_all_three_formats_with_a_later_updated_date_and_in_the_next_newsletter_only()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await TestPipeline.StartAsync(sendGrid.Settings());
        const string Headline = "State assembly passes groundwater bill";
        await pipeline.DropAndIngestAsync("water.json", Ninjs("urn:t:water", Headline, "2026-11-25T08:00:00Z"));
        await BuildAsync(pipeline, all: true);
        var before = await RssItemAsync(pipeline, "rss.xml", Headline);
        await NewsletterStageTests.SeedAsync(pipeline, "reader", 2, edition: "india", sectors: []);
        var newsletters = pipeline.Get<NewsletterStage>();
        Assert.Equal(2, (await newsletters.SendIssueAsync(India(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None)).Sent);
        pipeline.Clock.Advance(TimeSpan.FromHours(2));

        var corrected = await pipeline.DropAndIngestAsync("water.json", Ninjs("urn:t:water", Headline, "2026-11-25T08:00:00Z", correction: "The bill passed 112 to 40, not 40 to 112."));
        var build = await BuildAsync(pipeline);

        Assert.Equal(IngestResult.Updated, corrected.Result);
        Assert.All(new[] { "rss.xml", "atom.xml", "feed.json" }, path => Assert.True(build.Single(f => f.Path == path).Written));
        var after = await RssItemAsync(pipeline, "rss.xml", Headline);
        Assert.Equal(before!.Element("guid")!.Value, after!.Element("guid")!.Value);
        Assert.Equal(before.Element("link")!.Value, after.Element("link")!.Value);
        Assert.StartsWith("Correction: The bill passed 112 to 40", after.Element("description")!.Value, StringComparison.Ordinal);
        var atom = XDocument.Parse((await pipeline.Storage.Feeds.GetBlobClient("atom.xml").DownloadContentAsync()).Value.Content.ToString());
        XNamespace a = "http://www.w3.org/2005/Atom";
        var entry = atom.Root!.Elements(a + "entry").Single();
        Assert.Equal("2026-11-25T11:00:00Z", entry.Element(a + "updated")!.Value);
        Assert.StartsWith("<p class=\"correction\"><strong>Correction:</strong> The bill passed", entry.Element(a + "content")!.Value, StringComparison.Ordinal);
        var json = System.Text.Json.JsonDocument.Parse((await pipeline.Storage.Feeds.GetBlobClient("feed.json").DownloadContentAsync()).Value.Content.ToString());
        var item = json.RootElement.GetProperty("items")[0];
        Assert.Equal("2026-11-25T11:00:00Z", item.GetProperty("date_modified").GetString());
        Assert.StartsWith("<p class=\"correction\">", item.GetProperty("content_html").GetString(), StringComparison.Ordinal);

        // The issue already sent is not sent again; the next one shows the story with its correction.
        Assert.Equal(0, (await newsletters.SendIssueAsync(India(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None)).Sent);
        Assert.Equal(2, (await newsletters.SendIssueAsync(India(pipeline), NewsletterCadence.Daily, Today.AddDays(1), dryRun: false, CancellationToken.None)).Sent);
        Assert.All(sendGrid.Delivered.Where(m => m.Issue == "india/2026-11-25"), m => Assert.DoesNotContain("Correction", m.Html, StringComparison.Ordinal));
        Assert.All(sendGrid.Delivered.Where(m => m.Issue == "india/2026-11-26"), m =>
        {
            Assert.Contains("<strong>Correction:</strong> The bill passed 112 to 40, not 40 to 112.", m.Html, StringComparison.Ordinal);
            Assert.Contains("Correction: The bill passed 112 to 40, not 40 to 112.", m.Text, StringComparison.Ordinal);
        });
        Assert.Equal(4, sendGrid.Delivered.Count);
    }
}
