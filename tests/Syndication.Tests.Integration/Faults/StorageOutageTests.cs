using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;
using Syndication.DevTools;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Syndication.Tests.Faults;

/// <summary>Storage going away in the middle of work, and coming back with its data.</summary>
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    private const int Files = 1000;

    private static byte[] Article(int i) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"""
        ---
        uri: "urn:test:outage:{i}"
        headline: "Outage test story number {i} about district {i % 7}"
        created: 2026-11-25T08:{i % 60:D2}:00Z
        editions: [india]
        sectors: [health]
        ---
        Story {i}: the district council met on Tuesday and said the clinic would open in {i % 12 + 1} weeks.
        """));

    [Fact]
    public async Task Storage_stopped_half_way_through_1000_files_then_restarted_ends_with_each_file_ingested_exactly_once()
    {
        var root = Repository.Root;
        var data = Directory.CreateTempSubdirectory("syndication-outage-").FullName;
        var (blob, queue, table) = (Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort());
        var azurite = await Azurite.StartAsync(blob, queue, table, detached: false, root, log: null, CancellationToken.None, location: data);
        try
        {
            await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?>
            {
                [StorageSettings.ConnectionSetting] = azurite.ConnectionString,
            });
            for (var i = 0; i < Files; i++)
            {
                await pipeline.DropZone.DropAsync($"outage-{i:D4}.md", BinaryData.FromBytes(Article(i)), CancellationToken.None);
            }

            // The outage: storage stops after the 300th file, in the middle of the sweep. Stopped as a
            // service stops (a kill would also lose the emulator's last seconds of answered writes,
            // blobs and tables apart, which no real storage account does).
            var ingested = 0;
            var stopped = new TaskCompletionSource();
            var outage = Task.Run(async () =>
            {
                await stopped.Task;
                await azurite.StopAsync();
            });
            var failed = await Record.ExceptionAsync(() => pipeline.Ingest.SweepAsync(
                _ =>
                {
                    if (Interlocked.Increment(ref ingested) == 300)
                    {
                        stopped.TrySetResult();
                    }
                },
                CancellationToken.None));
            await outage;
            Assert.NotNull(failed);
            Assert.InRange(ingested, 300, Files - 1);

            // Storage comes back with what it had on disk, and the next sweep (the timer's) finishes the job.
            azurite = await Azurite.StartAsync(blob, queue, table, detached: false, root, log: null, CancellationToken.None, location: data);
            var rerun = await pipeline.Ingest.SweepAsync(progress: null, CancellationToken.None);

            // What was left: the files not reached, and those in flight when storage went away.
            Assert.All(rerun, o => Assert.Contains(o.Result, new[] { IngestResult.Accepted, IngestResult.Unchanged }));
            Assert.InRange(rerun.Count, Files - ingested, Files);
            output.WriteLine($"Before the outage: {ingested} files; after it: {rerun.Count(o => o.Result == IngestResult.Accepted)} accepted, {rerun.Count(o => o.Result == IngestResult.Unchanged)} found already ingested.");
            var storage = pipeline.Storage;
            Assert.Empty(await Names(storage.Container(StorageNames.IncomingContainer)));
            Assert.Empty(await Names(storage.Container(StorageNames.RejectedContainer)));
            var archived = await Names(storage.Container(StorageNames.ArchiveContainer));
            Assert.Equal(Files, archived.Count);
            Assert.Equal(Files, archived.Select(Path.GetFileName).Distinct().Count());
            Assert.Equal(Files, (await Names(storage.Container(StorageNames.ArticlesContainer))).Count);

            // Exactly once: one change record per article, however many times a file was read.
            var changes = new List<string>();
            await foreach (var change in storage.Table(StorageNames.ArticleChangesTable).QueryAsync<TableEntity>(select: ["Id"]))
            {
                changes.Add(change.GetString("Id"));
            }

            Assert.Equal(Files, changes.Count);
            Assert.Equal(Files, changes.Distinct().Count());
        }
        finally
        {
            await azurite.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<List<string>> Names(Azure.Storage.Blobs.BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync())
        {
            names.Add(item.Name);
        }

        return names;
    }
}
