using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Stages;

public sealed class IngestStageTests
{
    private const string DengueFile = "2026-11-24-dengue-vaccine-rollout.ninjs.json";
    private const string DengueUri = "urn:newsml:syndication.example:20261124:dengue-vaccine-rollout";

    private static byte[] Sample(string file) => File.ReadAllBytes(Repository.Sample("articles", file));

    [Fact]
    public async Task A_dropped_ninjs_file_becomes_an_article_blob_and_index_rows_and_its_original_is_archived()
    {
        await using var pipeline = await TestPipeline.StartAsync();

        var outcome = await pipeline.DropAndIngestAsync(DengueFile, Sample(DengueFile));

        Assert.Equal(IngestResult.Accepted, outcome.Result);
        Assert.Equal(ArticleIdentity.IdFor(DengueUri), outcome.ArticleId);
        var stored = await pipeline.Articles.GetAsync(outcome.ArticleId!, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal("Delhi begins dengue vaccination for children in 40 high-burden wards", stored.Article.Headline);
        Assert.Contains("india", stored.Article.Editions);
        Assert.Contains("health", stored.Article.Sectors);

        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var index = pipeline.Storage.Table(StorageNames.ArticleIndexTable);
        var partitions = index.Query<TableEntity>(e => e.RowKey.CompareTo("") > 0).Select(e => e.PartitionKey).ToList();
        Assert.Superset(new HashSet<string> { "all", "edition-global", "edition-india", "sector-health", "section-news" }, partitions.Select(p => p.Split('|')[0]).ToHashSet());
        Assert.Single(partitions.Select(p => p.Split('|')[1]).Distinct()); // one article: one day

        Assert.Empty(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobs());
        var archived = Assert.Single(pipeline.Storage.Container(StorageNames.ArchiveContainer).GetBlobs());
        Assert.EndsWith(DengueFile, archived.Name, StringComparison.Ordinal);
        var archivedBytes = (await pipeline.Storage.Container(StorageNames.ArchiveContainer).GetBlobClient(archived.Name).DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(Sample(DengueFile), archivedBytes);
    }

    [Fact]
    public async Task A_drop_left_in_incoming_by_a_crash_after_its_article_was_written_still_reaches_the_feeds()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await pipeline.DropAndIngestAsync(DengueFile, Sample(DengueFile));

        // The crash: the article was written, its change record was not, and the drop is still in incoming/.
        var changes = pipeline.Storage.Table(StorageNames.ArticleChangesTable);
        foreach (var change in changes.Query<TableEntity>())
        {
            await changes.DeleteEntityAsync(change.PartitionKey, change.RowKey);
        }

        var retried = await pipeline.DropAndIngestAsync(DengueFile, Sample(DengueFile));
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        Assert.Equal(IngestResult.Unchanged, retried.Result);
        var rss = (await pipeline.Storage.Container(StorageNames.FeedsContainer).GetBlobClient("rss.xml").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("Delhi begins dengue vaccination", rss, StringComparison.Ordinal);
        Assert.Empty(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobs());
    }

    [Fact]
    public async Task A_build_that_stops_after_the_index_took_the_changes_still_writes_their_feeds_next_time()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await pipeline.DropAndIngestAsync(DengueFile, Sample(DengueFile));

        // The build's first step, then the crash: the change records are in the index and off the queue, no feed written.
        var update = await pipeline.Get<ArticleIndex>().ApplyPendingAsync(CancellationToken.None);
        Assert.Contains("edition-india", update.TouchedScopes);
        var queue = pipeline.Storage.Table(StorageNames.ArticleChangesTable).Query<TableEntity>().ToList();
        Assert.Equal(["pending-~touched"], queue.Select(r => r.PartitionKey));
        Assert.False(pipeline.Storage.Container(StorageNames.FeedsContainer).GetBlobClient("editions/india/rss.xml").Exists().Value);

        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        var rss = (await pipeline.Storage.Container(StorageNames.FeedsContainer).GetBlobClient("editions/india/rss.xml").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("Delhi begins dengue vaccination", rss, StringComparison.Ordinal);
        // No change left: only the news sitemaps' notes (when each must be written again) stay in the queue's range.
        Assert.All(pipeline.Storage.Table(StorageNames.ArticleChangesTable).Query<TableEntity>(), r => Assert.Equal("pending-~notes", r.PartitionKey));
        Assert.Empty(await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None)); // done with: nothing to rebuild
    }

    [Fact]
    public async Task An_identical_redrop_writes_no_article_and_keeps_version_and_etag()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var first = await pipeline.DropAndIngestAsync(DengueFile, Sample(DengueFile));
        var before = await pipeline.Articles.GetAsync(first.ArticleId!, CancellationToken.None);

        var again = await pipeline.DropAndIngestAsync(DengueFile, Sample(DengueFile));

        Assert.Equal(IngestResult.Unchanged, again.Result);
        var after = await pipeline.Articles.GetAsync(first.ArticleId!, CancellationToken.None);
        Assert.Equal(before!.Version, after!.Version);
        Assert.Equal(1, after.Article.Version);
    }

    [Fact]
    public async Task An_edited_redrop_updates_the_same_article_keeping_id_slug_and_url()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var first = await pipeline.DropAndIngestAsync(DengueFile, Sample(DengueFile));
        var original = (await pipeline.Articles.GetAsync(first.ArticleId!, CancellationToken.None))!.Article;
        var edited = Encoding.UTF8.GetString(Sample(DengueFile))
            .Replace("Delhi begins dengue vaccination", "Delhi expands dengue vaccination", StringComparison.Ordinal);

        var second = await pipeline.DropAndIngestAsync(DengueFile, Encoding.UTF8.GetBytes(edited));

        Assert.Equal(IngestResult.Updated, second.Result);
        var updated = (await pipeline.Articles.GetAsync(first.ArticleId!, CancellationToken.None))!.Article;
        Assert.Equal(original.Id, updated.Id);
        Assert.Equal(original.Slug, updated.Slug);
        Assert.Equal(original.Url, updated.Url);
        Assert.Equal(2, updated.Version);
        Assert.StartsWith("Delhi expands dengue vaccination", updated.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_file_is_kept_in_rejected_with_its_original_bytes_and_a_reason()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var bytes = File.ReadAllBytes(Repository.Sample("broken", "truncated.ninjs.json"));

        var outcome = await pipeline.DropAndIngestAsync("truncated.ninjs.json", bytes);

        Assert.Equal(IngestResult.Rejected, outcome.Result);
        var rejected = pipeline.Storage.Container(StorageNames.RejectedContainer);
        Assert.Equal(bytes, (await rejected.GetBlobClient("truncated.ninjs.json").DownloadContentAsync()).Value.Content.ToArray());
        using var error = JsonDocument.Parse((await rejected.GetBlobClient("truncated.ninjs.json.error.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal("truncated.ninjs.json", error.RootElement.GetProperty("file").GetString());
        Assert.Equal("ingest", error.RootElement.GetProperty("stage").GetString());
        Assert.StartsWith("Not valid JSON", error.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(error.RootElement.GetProperty("line").GetInt64() > 1);
        Assert.Empty(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobs());
    }

    [Fact]
    public async Task A_file_over_the_size_cap_is_rejected_unread_and_its_original_still_kept()
    {
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?> { ["Syndication:Ingest:MaxFileBytes"] = "2048" });
        var big = Encoding.UTF8.GetBytes("{\"uri\":\"urn:big\",\"headline\":\"H\",\"body_html\":\"" + new string('x', 5000) + "\"}");

        var outcome = await pipeline.DropAndIngestAsync("big.json", big);

        Assert.Equal(IngestResult.Rejected, outcome.Result);
        Assert.Contains("over the limit of 2,048 bytes", outcome.Rejection!.Reason, StringComparison.Ordinal);
        var kept = (await pipeline.Storage.Container(StorageNames.RejectedContainer).GetBlobClient("big.json").DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(big, kept);
    }

    [Fact]
    public async Task A_local_file_is_ingested_straight_and_one_over_the_size_cap_is_rejected_with_its_reason_and_left_on_disk()
    {
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?> { ["Syndication:Ingest:MaxFileBytes"] = "2048" });
        var folder = Directory.CreateTempSubdirectory("syndication-local-").FullName;
        var small = Path.Combine(folder, "small.md");
        var big = Path.Combine(folder, "big.json");
        await File.WriteAllTextAsync(small, "---\nuri: urn:test:local\nheadline: A local story\neditions: [india]\n---\n\nRead from disk.\n");
        await File.WriteAllTextAsync(big, "{\"uri\":\"urn:big\",\"headline\":\"H\",\"body_html\":\"" + new string('x', 5000) + "\"}");

        var accepted = await pipeline.Ingest.IngestLocalFileAsync(small, "desk/small.md", CancellationToken.None);
        var rejected = await pipeline.Ingest.IngestLocalFileAsync(big, "desk/big.json", CancellationToken.None);

        Assert.Equal(IngestResult.Accepted, accepted.Result);
        Assert.Equal("A local story", accepted.Headline);
        Assert.Equal(IngestResult.Rejected, rejected.Result);
        Assert.Contains("over the limit of 2,048 bytes", rejected.Rejection!.Reason, StringComparison.Ordinal);
        var container = pipeline.Storage.Container(StorageNames.RejectedContainer);
        Assert.Equal(["desk/big.json.error.json"], container.GetBlobs().Select(b => b.Name));
        Assert.True(File.Exists(big)); // the original stays where the operator has it
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("notes.txt", "plain text", "Unsupported file type '.txt'")]
    [InlineData("empty.json", "", "The file is empty")]
    public async Task Files_that_are_not_articles_are_rejected_with_a_reason(string name, string content, string reason)
    {
        await using var pipeline = await TestPipeline.StartAsync();

        var outcome = await pipeline.DropAndIngestAsync(name, Encoding.UTF8.GetBytes(content));

        Assert.Equal(IngestResult.Rejected, outcome.Result);
        Assert.Contains(reason, outcome.Rejection!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_is_rejected_naming_the_byte()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        byte[] latin1 = [.. "{\"uri\":\"u\",\"headline\":\"Caf"u8, 0xE9, .. "\"}"u8];

        var outcome = await pipeline.DropAndIngestAsync("latin1.json", latin1);

        Assert.Equal(IngestResult.Rejected, outcome.Result);
        Assert.Contains("not valid UTF-8", outcome.Rejection!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_local_file_costs_four_storage_requests_and_an_unchanged_one_a_single_read()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        var file = DroppedFile.Local(DengueFile, BinaryData.FromBytes(Sample(DengueFile)));

        pipeline.Counter.Reset();
        Assert.Equal(IngestResult.Accepted, (await pipeline.Ingest.IngestAsync(file, CancellationToken.None)).Result);
        var forNew = (pipeline.Counter.Reads, pipeline.Counter.Writes);
        pipeline.Counter.Reset();
        Assert.Equal(IngestResult.Unchanged, (await pipeline.Ingest.IngestAsync(file, CancellationToken.None)).Result);
        var forUnchanged = (pipeline.Counter.Reads, pipeline.Counter.Writes);

        Assert.Equal((1L, 3L), forNew);
        Assert.Equal((1L, 0L), forUnchanged);
    }

    [Fact]
    public async Task A_withheld_update_takes_the_article_out_of_the_index()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var first = await pipeline.DropAndIngestAsync(DengueFile, Sample(DengueFile));
        var withheld = Encoding.UTF8.GetString(Sample(DengueFile)).Replace("\"usable\"", "\"withheld\"", StringComparison.Ordinal);
        Assert.Contains("withheld", withheld, StringComparison.Ordinal);

        var outcome = await pipeline.DropAndIngestAsync(DengueFile, Encoding.UTF8.GetBytes(withheld));

        Assert.Equal(IngestResult.Updated, outcome.Result);
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        Assert.Empty(await pipeline.Index.NewestAsync(FeedScopes.All, 50, CancellationToken.None));
        Assert.Equal(PublicationStatus.Withheld, (await pipeline.Articles.GetAsync(first.ArticleId!, CancellationToken.None))!.Article.Status);
    }

    [Fact]
    public async Task The_sweep_ingests_everything_left_in_incoming()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        foreach (var file in Directory.GetFiles(Repository.Sample("articles")))
        {
            await pipeline.DropZone.DropAsync(Path.GetFileName(file), BinaryData.FromBytes(File.ReadAllBytes(file)), CancellationToken.None);
        }

        var outcomes = await pipeline.Ingest.SweepAsync(progress: null, CancellationToken.None);

        Assert.Equal(Directory.GetFiles(Repository.Sample("articles")).Length, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(IngestResult.Accepted, o.Result));
        Assert.Empty(pipeline.Storage.Container(StorageNames.IncomingContainer).GetBlobs());
    }
}
