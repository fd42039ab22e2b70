using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Syndication.Core.Trending;

namespace Syndication.Adapters.Storage;

/// <summary>What the counts table did with one file's counts.</summary>
/// <param name="RowsWritten">Rows added or merged.</param>
/// <param name="RowsAlreadyCounted">Rows that already held this file's views (a re-run after a crash or a repeated event): left alone.</param>
/// <param name="Transactions">Table transactions submitted, retries included.</param>
/// <param name="Conflicts">Transactions refused because another writer changed a row first, then re-read and retried.</param>
public sealed record PageViewWrite(int RowsWritten, int RowsAlreadyCounted, int Transactions, int Conflicts);

/// <summary>A page-view log in <c>pageviews/</c>: its name, size and whether it has been counted.</summary>
public sealed record PageViewLogFile(string Name, long Length, bool Counted);

/// <summary>What counting made of one log, kept with it (<see cref="PageViewStore.MarkCountedAsync"/>).</summary>
/// <param name="FileKey">The key its views were added under (a hash prefix of its bytes).</param>
/// <param name="Views">Views stored; <paramref name="Unknown"/> views of unknown articles or editions were not.</param>
/// <param name="FirstMalformedLines">Line numbers of the first malformed lines.</param>
public sealed record PageViewLogReport(
    DateTimeOffset CountedAt, string FileKey, long Lines, long Views, long Bots, long Repeats, long Unknown, long Malformed, IReadOnlyList<long> FirstMalformedLines);

/// <summary>
/// A page-view log opened for counting: its bytes, whether it was counted before, and the version
/// read, which <see cref="PageViewStore.MarkCountedAsync"/> and <see cref="PageViewStore.MarkRejectedAsync"/>
/// mark so a log replaced meanwhile stays to be counted. The caller disposes it.
/// </summary>
public sealed class OpenedPageViewLog : IDisposable
{
    internal OpenedPageViewLog(string name, Stream content, long length, ETag version, bool counted)
    {
        Name = name;
        Content = content;
        Length = length;
        Version = version;
        Counted = counted;
    }

    public string Name { get; }

    /// <summary>The log's bytes as they stream from storage; reading may fail as <see cref="IsReadFailure"/> says.</summary>
    public Stream Content { get; }

    public long Length { get; }

    /// <summary>The log was marked counted (or rejected) before: its views are in the table already.</summary>
    public bool Counted { get; }

    internal ETag Version { get; }

    /// <summary>
    /// True when <paramref name="exception"/> is storage failing to deliver the log (the service's
    /// answer, the connection), which a later run retries; false when it is the log's own fault.
    /// </summary>
    public static bool IsReadFailure(Exception exception) => exception is RequestFailedException or IOException;

    public void Dispose() => Content.Dispose();
}

/// <summary>
/// Hourly view counts in the <c>PageViewCounts</c> table: partition = UTC hour (<c>yyyyMMddHH</c>),
/// row = <c>{edition}|{article id}</c>, with <c>Views</c> and <c>Files</c>, the keys of the log files
/// already added into the row. Table storage has no increment, so a file's counts are merged in
/// batched transactions (one partition, at most 100 rows each) guarded by each row's ETag; a row
/// that already lists the file is skipped, so counting a file twice, or again after a crash half
/// way, adds each of its views once.
/// </summary>
public sealed class PageViewStore(StorageAccount account)
{
    /// <summary>Blob metadata set on a counted log: when, and what was made of it.</summary>
    private const string CountedMetadata = "counted";

    /// <summary>File keys kept per row: 2,000 × 13 characters stays under the 32K characters of a Table string.</summary>
    public const int MaxFilesPerRow = 2_000;

    private const int MaxBatch = 100;
    private const int MaxAttempts = 8;
    private const string HourFormat = "yyyyMMddHH";

    /// <summary>Opens a log for reading, or null when it is gone. The caller disposes the result.</summary>
    public async Task<OpenedPageViewLog?> OpenAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var download = (await Logs.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            var details = download.Details;
            return new OpenedPageViewLog(name, download.Content, details.ContentLength, details.ETag, details.Metadata.ContainsKey(CountedMetadata));
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Puts a log into <c>pageviews/</c>, as an export would.</summary>
    public async Task DropAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        await Logs.GetBlobClient(name).UploadAsync(content, overwrite: true, cancellationToken);
    }

    /// <summary>Every log in <c>pageviews/</c>, with whether it has been counted (one listing, metadata included).</summary>
    public async IAsyncEnumerable<PageViewLogFile> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in Logs.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken))
        {
            yield return new PageViewLogFile(item.Name, item.Properties.ContentLength ?? 0, item.Metadata.ContainsKey(CountedMetadata));
        }
    }

    /// <summary>
    /// Marks the version that was read as counted, with its report in the metadata (<c>counted</c>,
    /// <c>filekey</c>, <c>lines</c>, <c>views</c>, <c>bots</c>, <c>repeats</c>, <c>unknown</c>,
    /// <c>malformed</c>, <c>malformedlines</c>). A log replaced since (another ETag) stays unmarked,
    /// so the sweep counts the new version.
    /// </summary>
    public Task<bool> MarkCountedAsync(OpenedPageViewLog log, PageViewLogReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(report);
        return SetMetadataAsync(log, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CountedMetadata] = report.CountedAt.ToString("O", CultureInfo.InvariantCulture),
            ["filekey"] = report.FileKey,
            ["lines"] = report.Lines.ToString(CultureInfo.InvariantCulture),
            ["views"] = report.Views.ToString(CultureInfo.InvariantCulture),
            ["bots"] = report.Bots.ToString(CultureInfo.InvariantCulture),
            ["repeats"] = report.Repeats.ToString(CultureInfo.InvariantCulture),
            ["unknown"] = report.Unknown.ToString(CultureInfo.InvariantCulture),
            ["malformed"] = report.Malformed.ToString(CultureInfo.InvariantCulture),
            ["malformedlines"] = string.Join(',', report.FirstMalformedLines),
        }, cancellationToken);
    }

    /// <summary>
    /// Marks the version that was read as done although it could not be counted (its record is in
    /// <c>rejected/</c>), so no sweep retries it: <c>counted</c> and <c>rejected</c>, the reason as
    /// metadata can hold it (printable ASCII, at most 1,000 characters).
    /// </summary>
    public Task<bool> MarkRejectedAsync(OpenedPageViewLog log, DateTimeOffset at, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(reason);
        return SetMetadataAsync(log, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CountedMetadata] = at.ToString("O", CultureInfo.InvariantCulture),
            ["rejected"] = new string([.. reason.Take(1000).Select(c => c is >= ' ' and <= '~' ? c : '?')]),
        }, cancellationToken);
    }

    private async Task<bool> SetMetadataAsync(OpenedPageViewLog log, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        try
        {
            await Logs.GetBlobClient(log.Name).SetMetadataAsync(metadata, new BlobRequestConditions { IfMatch = log.Version }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Adds one file's counts (keyed by article id) to the table, once.</summary>
    /// <param name="fileKey">Identifies the file's content; short, without spaces.</param>
    public async Task<PageViewWrite> AddAsync(string fileKey, IReadOnlyList<HourlyViewCount> counts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileKey);
        ArgumentNullException.ThrowIfNull(counts);
        var table = account.Table(StorageNames.PageViewCountsTable);
        var totals = new PageViewWrite(0, 0, 0, 0);
        foreach (var hour in counts.GroupBy(c => PartitionOf(c.Hour)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var rows = hour
                .GroupBy(c => RowOf(c.Edition, c.Article), StringComparer.Ordinal)
                .Select(g => (RowKey: g.Key, Views: g.Sum(c => c.Views)))
                .OrderBy(r => r.RowKey, StringComparer.Ordinal)
                .ToList();
            var existing = await ReadPartitionAsync(table, hour.Key, cancellationToken);
            foreach (var batch in rows.Chunk(MaxBatch))
            {
                var written = await MergeBatchAsync(table, hour.Key, batch, fileKey, existing, cancellationToken);
                totals = new PageViewWrite(
                    totals.RowsWritten + written.RowsWritten,
                    totals.RowsAlreadyCounted + written.RowsAlreadyCounted,
                    totals.Transactions + written.Transactions,
                    totals.Conflicts + written.Conflicts);
            }
        }

        return totals;
    }

    /// <summary>Every count of the hours from <paramref name="from"/> to <paramref name="to"/> (inclusive): one range query over the hour partitions.</summary>
    public async Task<IReadOnlyList<HourlyViewCount>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.PageViewCountsTable);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {PartitionOf(from)} and PartitionKey le {PartitionOf(to)}");
        var counts = new List<HourlyViewCount>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey", "Views"], cancellationToken: cancellationToken))
        {
            var separator = row.RowKey.IndexOf('|', StringComparison.Ordinal);
            if (separator > 0 && DateTimeOffset.TryParseExact(row.PartitionKey, HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var hour))
            {
                counts.Add(new HourlyViewCount(row.RowKey[..separator], row.RowKey[(separator + 1)..], hour, row.GetInt64("Views") ?? 0));
            }
        }

        return counts;
    }

    private BlobContainerClient Logs => account.Container(StorageNames.PageViewsContainer);

    private static string PartitionOf(DateTimeOffset hour) => hour.UtcDateTime.ToString(HourFormat, CultureInfo.InvariantCulture);

    private static string RowOf(string edition, string article) => $"{edition}|{article}";

    private static async Task<Dictionary<string, TableEntity>> ReadPartitionAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    /// <summary>One transaction of up to 100 rows; refused when another writer got there first, then re-read and retried.</summary>
    private static async Task<PageViewWrite> MergeBatchAsync(
        TableClient table, string partition, (string RowKey, long Views)[] batch, string fileKey, Dictionary<string, TableEntity> existing, CancellationToken cancellationToken)
    {
        var transactions = 0;
        var conflicts = 0;
        for (var attempt = 1; ; attempt++)
        {
            var actions = new List<TableTransactionAction>(batch.Length);
            var alreadyCounted = 0;
            foreach (var (rowKey, views) in batch)
            {
                if (existing.TryGetValue(rowKey, out var row))
                {
                    var files = (row.GetString("Files") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (files.Contains(fileKey, StringComparer.Ordinal))
                    {
                        alreadyCounted++;
                        continue;
                    }

                    var merged = new TableEntity(partition, rowKey)
                    {
                        ["Views"] = (row.GetInt64("Views") ?? 0) + views,
                        ["Files"] = string.Join(' ', files.Append(fileKey).TakeLast(MaxFilesPerRow)),
                    };
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, merged, row.ETag));
                }
                else
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, rowKey) { ["Views"] = views, ["Files"] = fileKey }));
                }
            }

            if (actions.Count == 0)
            {
                return new PageViewWrite(0, alreadyCounted, transactions, conflicts);
            }

            try
            {
                transactions++;
                var responses = await table.SubmitTransactionAsync(actions, cancellationToken);
                // Keep the new ETags, so a later batch of the same file never needs a re-read.
                for (var i = 0; i < actions.Count; i++)
                {
                    var entity = (TableEntity)actions[i].Entity;
                    entity.ETag = responses.Value[i].Headers.ETag ?? default;
                    existing[entity.RowKey] = entity;
                }

                return new PageViewWrite(actions.Count, alreadyCounted, transactions, conflicts);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                // Another counter merged into one of these rows since we read them: read them again.
                conflicts++;
                foreach (var (rowKey, _) in batch)
                {
                    var fresh = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
                    if (fresh.HasValue)
                    {
                        existing[rowKey] = fresh.Value!;
                    }
                    else
                    {
                        existing.Remove(rowKey);
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 100) * attempt), cancellationToken);
            }
        }
    }
}
