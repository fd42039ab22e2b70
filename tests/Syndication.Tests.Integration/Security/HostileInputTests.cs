using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Syndication.Adapters.Storage;
using Syndication.Cli;
using Syndication.Core.Articles;
using Syndication.Functions.Functions;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;
using Syndication.Tests.Infrastructure;
using Syndication.Tests.Trending;

namespace Syndication.Tests.Security;

/// <summary>
/// No single input stops the others, end to end on Azurite: at every door (the ingest CLI, the blob
/// trigger, the sweep, an agency feed, page-view logs, a subscriber CSV, the SendGrid webhook) a
/// poisoned item between good ones is refused with a reason and the good ones go through; and a
/// file's name, however long or odd, is stored, never thrown on.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private const string GoodMarkdown = "2026-11-23-grid-storage.md";
    private const string GoodNinjs = "2026-11-24-dengue-vaccine-rollout.ninjs.json";

    /// <summary>The Markdown: nested a few hundred levels, once an unhandled ArgumentException from Markdig.</summary>
    private static byte[] DeepMarkdown => Encoding.UTF8.GetBytes("---\nuri: urn:test:deep\nheadline: Deep\n---\n" + new string('>', 400) + " deep\n");

    /// <summary>The ninjs: a body of deeply nested unclosed tags, once close to a minute of CPU.</summary>
    private static byte[] NestedNinjs => Encoding.UTF8.GetBytes(
        "{\"uri\":\"urn:test:nested\",\"type\":\"text\",\"headline\":\"Nested\",\"body_html\":\"" + string.Concat(Enumerable.Repeat("<div><b>", 50_000)) + "x\"}");

    /// <summary>Front matter that nests and aliases past its limits.</summary>
    private static byte[] YamlBomb => Encoding.UTF8.GetBytes(
        "---\nuri: urn:test:yaml\nheadline: Bomb\nx: " + new string('[', 5_000) + new string(']', 5_000) + "\n---\nbody\n");

    private static byte[] Sample(string file) => File.ReadAllBytes(Repository.Sample("articles", file));

    [Fact]
    public async Task Ingest_on_the_command_line_rejects_poisoned_files_between_good_ones_and_exits_0()
    {
        var account = await LocalStorage.NewAccountAsync();
        var folder = Directory.CreateTempSubdirectory("hostile-");
        try
        {
            // Named so that the poisoned files sort between the good ones.
            File.WriteAllBytes(Path.Combine(folder.FullName, "a-" + GoodMarkdown), Sample(GoodMarkdown));
            File.WriteAllBytes(Path.Combine(folder.FullName, "b-deep.md"), DeepMarkdown);
            File.WriteAllBytes(Path.Combine(folder.FullName, "c-nested.json"), NestedNinjs);
            File.WriteAllBytes(Path.Combine(folder.FullName, "d-bomb.md"), YamlBomb);
            File.WriteAllBytes(Path.Combine(folder.FullName, "e\tcontrol\u0001name.md"), DeepMarkdown); // a name a blob path cannot hold
            File.WriteAllBytes(Path.Combine(folder.FullName, "f-" + GoodNinjs), Sample(GoodNinjs));
            using var output = new StringWriter();

            var exit = await SyndicationCommand.RunAsync(["--storage", account.ConnectionString, "ingest", "--parallel", "1", folder.FullName], output);

            Assert.Equal(0, exit);
            Assert.Contains("6 files: 2 accepted, 0 updated, 0 unchanged, 4 rejected", output.ToString(), StringComparison.Ordinal);
            var rejected = await RecordsAsync(account);
            Assert.Contains("past a limit", rejected.Single(r => r.File.EndsWith("b-deep.md", StringComparison.Ordinal)).Reason, StringComparison.Ordinal);
            Assert.Contains("nests elements more than 256 deep", rejected.Single(r => r.File.EndsWith("c-nested.json", StringComparison.Ordinal)).Reason, StringComparison.Ordinal);
            Assert.Contains("deeper than the limit of 16", rejected.Single(r => r.File.EndsWith("d-bomb.md", StringComparison.Ordinal)).Reason, StringComparison.Ordinal);
            Assert.Contains(rejected, r => r.File.EndsWith("e\tcontrol\u0001name.md", StringComparison.Ordinal));

            // Each original kept byte for byte beside its record; the odd name under ~hashed/ with the name in metadata.
            var container = new Azure.Storage.Blobs.BlobContainerClient(account.ConnectionString, StorageNames.RejectedContainer);
            var originals = container.GetBlobs(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }).Where(b => !StoredNames.IsRecord(b.Name)).ToList();
            Assert.Equal(4, originals.Count);
            var odd = Assert.Single(originals, b => b.Name.StartsWith(StoredNames.HashedPrefix, StringComparison.Ordinal));
            Assert.Equal("e\tcontrol\u0001name.md", Uri.UnescapeDataString(odd.Metadata[StoredNames.OriginalNameKey]).Split('/')[^1]);
            Assert.Equal(DeepMarkdown, (await container.GetBlobClient(odd.Name).DownloadContentAsync()).Value.Content.ToArray());
            Assert.Equal(NestedNinjs, (await container.GetBlobClient(originals.Single(b => b.Name.EndsWith("c-nested.json", StringComparison.Ordinal)).Name).DownloadContentAsync()).Value.Content.ToArray());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_blob_trigger_rejects_a_poisoned_drop_with_a_reason_instead_of_throwing_into_the_poison_queue()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var function = new IngestDroppedFile(pipeline.Get<IngestStage>(), pipeline.Get<StageRunRecorder>());

        foreach (var (name, bytes) in new[] { ("deep.md", DeepMarkdown), ("nested.json", NestedNinjs), ("bomb.md", YamlBomb), (GoodMarkdown, Sample(GoodMarkdown)) })
        {
            await pipeline.DropZone.DropAsync(name, BinaryData.FromBytes(bytes), CancellationToken.None);
            await function.Run(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobClient(name), name, CancellationToken.None);
        }

        Assert.Empty(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobs());
        var (records, total) = await pipeline.DropZone.RejectionsAsync(10, CancellationToken.None);
        Assert.Equal(3, total);
        Assert.All(records, r => Assert.Matches("limit", r.Reason));
        Assert.NotNull(await pipeline.Articles.GetAsync(ArticleIdentity.IdFor("urn:newsml:syndication.example:20261123:grid-storage"), CancellationToken.None));
    }

    [Fact]
    public async Task The_sweep_ingests_the_good_drops_around_poisoned_ones()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await pipeline.DropZone.DropAsync("a.md", BinaryData.FromBytes(Sample(GoodMarkdown)), CancellationToken.None);
        await pipeline.DropZone.DropAsync("b-deep.md", BinaryData.FromBytes(DeepMarkdown), CancellationToken.None);
        await pipeline.DropZone.DropAsync("c-nested.json", BinaryData.FromBytes(NestedNinjs), CancellationToken.None);
        await pipeline.DropZone.DropAsync("d.json", BinaryData.FromBytes(Sample(GoodNinjs)), CancellationToken.None);

        await new SweepIncoming(pipeline.Get<IngestStage>(), pipeline.Get<StageRunRecorder>()).Run(new TimerInfo(), CancellationToken.None);

        Assert.Empty(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobs());
        Assert.Equal(2, pipeline.Storage.Container(StorageNames.ArticlesContainer).GetBlobs().Count());
        Assert.Equal(2, (await pipeline.DropZone.RejectionsAsync(10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task A_name_too_long_for_the_archive_or_shaped_like_a_record_is_stored_under_a_hashed_name_and_never_meets_a_record()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var function = new IngestDroppedFile(pipeline.Get<IngestStage>(), pipeline.Get<StageRunRecorder>());
        async Task DropAndRunAsync(string name, byte[] bytes)
        {
            await pipeline.DropZone.DropAsync(name, BinaryData.FromBytes(bytes), CancellationToken.None);
            await function.Run(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobClient(name), name, CancellationToken.None);
        }

        // Azure allows 1,024 characters; "yyyy/MM/dd/" in front of this one, or ".error.json" after it, does not fit.
        var longName = string.Concat(Enumerable.Repeat("segment-", 126)) + "story.md";
        Assert.InRange(longName.Length, 1_000, 1_024);
        await DropAndRunAsync(longName, Sample(GoodMarkdown));
        var bad = Encoding.UTF8.GetBytes("not json");
        await DropAndRunAsync(longName[..^3] + ".json", bad);
        await DropAndRunAsync("x.json", bad);
        await DropAndRunAsync("x.json.error.json", Encoding.UTF8.GetBytes("[1, 2"));

        Assert.Empty(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobs());
        var archived = Assert.Single(pipeline.Storage.Container(StorageNames.ArchiveContainer).GetBlobs(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }));
        Assert.Contains("/" + StoredNames.HashedPrefix, archived.Name, StringComparison.Ordinal);
        Assert.Equal(longName, Uri.UnescapeDataString(archived.Metadata[StoredNames.OriginalNameKey]));

        // x.json's record is x.json.error.json; the drop called x.json.error.json is an original, stored apart with its own record.
        var rejected = pipeline.Storage.Container(StorageNames.RejectedContainer);
        var record = JsonSerializer.Deserialize<Rejection>((await rejected.GetBlobClient("x.json.error.json").DownloadContentAsync()).Value.Content.ToString(), Web)!;
        Assert.Equal("x.json", record.File);
        Assert.Equal(bad, (await rejected.GetBlobClient("x.json").DownloadContentAsync()).Value.Content.ToArray());
        var (records, total) = await pipeline.DropZone.RejectionsAsync(10, CancellationToken.None);
        Assert.Equal(3, total);
        Assert.Equal(
            new[] { "x.json", "x.json.error.json", longName[..^3] + ".json" }.Order(StringComparer.Ordinal),
            records.Select(r => r.File).Order(StringComparer.Ordinal));
        var recordOfTheLookalike = rejected.GetBlobs().Single(b => b.Name.StartsWith(StoredNames.HashedPrefix, StringComparison.Ordinal) && b.Name.Contains("x.json_error.json", StringComparison.Ordinal) && StoredNames.IsRecord(b.Name));
        var original = recordOfTheLookalike.Name[..^StoredNames.RecordSuffix.Length];
        Assert.Equal("[1, 2", (await rejected.GetBlobClient(original).DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task A_poisoned_item_in_an_agency_feed_is_rejected_and_the_items_around_it_are_ingested()
    {
        var nested = string.Concat(Enumerable.Repeat("&lt;div&gt;", 20_000));
        var rss = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link><description>d</description>
            <item><title>First good story</title><link>https://wire.example.org/1</link><guid isPermaLink="false">w-1</guid><description>Fine.</description></item>
            <item><title>Poisoned</title><link>https://wire.example.org/2</link><guid isPermaLink="false">w-2</guid><description>{nested}x</description></item>
            <item><title>Second good story</title><link>https://wire.example.org/3</link><guid isPermaLink="false">w-3</guid><description>Fine too.</description></item>
            </channel></rss>
            """;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/rss+xml; charset=utf-8";
            return context.Response.WriteAsync(rss);
        });
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?>
        {
            ["Syndication:Upstream:AllowPrivateNetworks"] = "true",
            ["Syndication:Upstream:Feeds:0:Name"] = "wire",
            ["Syndication:Upstream:Feeds:0:Url"] = server.Url("feed.xml").AbsoluteUri,
        });

        var poll = Assert.Single(await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None));

        Assert.Equal(PollResult.Fetched, poll.Result);
        Assert.Equal(2, poll.Count(IngestResult.Accepted));
        var refused = Assert.Single(poll.Items, i => i.Result == IngestResult.Rejected);
        Assert.Contains("256 deep", refused.Rejection!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hostile_page_view_log_between_good_ones_is_counted_as_malformed_lines_and_the_good_logs_are_counted()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var store = pipeline.Get<PageViewStore>();
        const string ts = "2026-11-25T08:10:00Z";
        var good = new PageViewLog().Readers(5, ts, "urn:test:a", "india").ToBytes();
        var hostile = new StringBuilder();
        for (var i = 0; i < 100_000; i++)
        {
            hostile.Append(PageViewLog.Line(ts, $"a{i % 10}", $"edition-{i}", $"s{i}")).Append('\n'); // 100,000 distinct editions
        }

        hostile.Append('{').Append('x', 200_000).Append("}\n").Append("\u0000\u00ff{{{{\n");
        await store.DropAsync("a-good.jsonl", new MemoryStream(good), CancellationToken.None);
        await store.DropAsync("b-hostile.jsonl", new MemoryStream(Encoding.UTF8.GetBytes(hostile.ToString())), CancellationToken.None);
        await store.DropAsync("c-good.jsonl", new MemoryStream(good.Concat(Encoding.UTF8.GetBytes(PageViewLog.Line(ts, "urn:test:a", "india", "other") + "\n")).ToArray()), CancellationToken.None);

        var swept = await pipeline.Get<TrendingStage>().SweepAsync(CancellationToken.None);

        Assert.Equal(["a-good.jsonl", "b-hostile.jsonl", "c-good.jsonl"], swept.Select(o => o.File));
        Assert.Equal(5, swept[0].Aggregation!.CountedViews);
        Assert.Equal(6, swept[2].Aggregation!.CountedViews);
        var log = swept[1].Aggregation!;
        Assert.Equal(100_002, log.TotalLines);
        Assert.True(log.MalformedLines >= 100_000 - 256, $"{log.MalformedLines} malformed lines"); // editions past the 256th, the overlong line, the garbage
        Assert.Empty(await pipeline.Get<TrendingStage>().SweepAsync(CancellationToken.None)); // every log marked counted
    }

    [Fact]
    public async Task A_subscriber_csv_with_a_huge_field_and_garbage_between_good_rows_imports_the_good_rows()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        var csv = "email,edition,sectors,cadence,status\n"
            + "first@example.com,india,health,daily,confirmed\n"
            + "\"" + new string('x', 2_000_000) + "\",india,,daily,confirmed\n"
            + "\"unclosed@example.com,india\n"
            + "\u0000\u0001\u0002,,,,\n"
            + "second@example.com,india,,daily,confirmed\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));

        var report = await pipeline.Get<SubscriberImporter>().ImportAsync(stream, CancellationToken.None);

        Assert.Equal(2, report.Imported);
        Assert.Equal(3, report.Skipped);
        Assert.Contains("line 3: longer than 4,096 characters, the limit per line", report.FirstSkipped);
        Assert.Contains(report.FirstSkipped, s => s.StartsWith("line 4: not CSV", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_webhook_batch_with_a_poisoned_event_between_good_ones_handles_the_good_ones()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?>
        {
            ["Syndication:Newsletter:WebhookVerificationKey"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
        });
        var now = pipeline.Clock.GetUtcNow().ToUnixTimeSeconds();
        // The middle event's address is not text (a raw 0xC3 byte, half a UTF-8 sequence): reading it throws.
        var body = Encoding.UTF8.GetBytes($$"""[{"email":"a@example.com","timestamp":{{now}},"event":"delivered","sg_event_id":"ev-1"},{"email":"X","timestamp":{{now}},"event":"bounce","sg_event_id":"ev-2"},{"email":"b@example.com","timestamp":{{now}},"event":"delivered","sg_event_id":"ev-3"}]""");
        body[Array.IndexOf(body, (byte)'X')] = 0xC3;
        var timestamp = now.ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(key.SignData([.. Encoding.ASCII.GetBytes(timestamp), .. body], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        var response = await pipeline.Get<SubscriptionService>().WebhookAsync(signature, timestamp, body, CancellationToken.None);

        Assert.Equal(200, response.Status);
        Assert.Equal("2 events handled, 0 repeated, 1 skipped.", response.Body);
    }

    private static async Task<List<Rejection>> RecordsAsync(TestAccount account)
    {
        var container = new Azure.Storage.Blobs.BlobContainerClient(account.ConnectionString, StorageNames.RejectedContainer);
        var records = new List<Rejection>();
        foreach (var blob in container.GetBlobs().Where(b => StoredNames.IsRecord(b.Name)))
        {
            records.Add(JsonSerializer.Deserialize<Rejection>((await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString(), Web)!);
        }

        return records;
    }
}
