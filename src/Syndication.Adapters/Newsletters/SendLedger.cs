using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;

namespace Syndication.Adapters.Newsletters;

/// <summary>Where a batch of an issue stands. Only <see cref="Planned"/> and <see cref="Retry"/> batches are ever sent again.</summary>
public enum BatchState
{
    /// <summary>Its recipients are recorded; no request has started.</summary>
    Planned,

    /// <summary>A request is in flight (or was, when the process died: then it counts as uncertain).</summary>
    Sending,

    /// <summary>SendGrid answered 202 (or the outbox wrote the files).</summary>
    Sent,

    /// <summary>The request timed out or the process died during it: it may or may not have gone out, so it is not resent.</summary>
    Uncertain,

    /// <summary>Refused for good (a 4xx other than 429): recorded with the reason, not resent.</summary>
    Failed,

    /// <summary>Nothing went out (5xx or 429 after every attempt, or cancelled before the request): the next run sends it.</summary>
    Retry,
}

/// <summary>One batch row of the ledger.</summary>
public sealed record LedgerBatch(int Number, BatchState State, int Recipients, string? MessageId, string? Reason, int Attempts);

/// <summary>One recipient row of the ledger: which batch they were put in, and any event SendGrid reported for them.</summary>
public sealed record LedgerRecipient(string SubscriberId, int Batch, string? Seen);

/// <summary>The issue row: when the run started, and when it finished.</summary>
public sealed record LedgerIssue(string IssueKey, DateTimeOffset Started, DateTimeOffset? Finished);

/// <summary>
/// The send ledger. Per issue one partition (the issue key, '/' as '_') with a row per batch of up
/// to 1,000 (<c>b000001</c>, its state, SendGrid's message id or the reason it failed) and the
/// issue's row; and the recipient rows (<c>r{id}</c>, the batch they went in) in 16 partitions of
/// the issue by the id's first hex digit (<c>{issue}-r7</c>), as <see cref="SubscriberStore"/>
/// splits the list, so no partition grows with the list and the buckets read in order are sorted by
/// id. Recipients are written in transactions of 100 before their batch is sent, so a run that
/// crashed or was cancelled resumes with only the unsent; the state lives on the batch row, so a
/// batch costs about one transaction per 100 recipients (a batch of ids in id order spans one or
/// two buckets) and two small writes.
/// </summary>
public sealed class SendLedger(StorageAccount account)
{
    public const int MaxTransaction = 100;
    private const string IssueRow = "issue";
    private const string SchedulePartition = "schedule";
    private const string AlertDayPartition = "alert-days";

    /// <summary>Transactions submitted by this process, to check the cost (about one per 100 recipients).</summary>
    public long Transactions => Interlocked.Read(ref transactions);

    private long transactions;

    private TableClient Table => account.Table(StorageNames.SendLedgerTable);

    public static string Partition(string issueKey) => issueKey.Replace('/', '_');

    public static string RecipientPartition(string issueKey, string subscriberId) =>
        $"{Partition(issueKey)}-r{SubscriberStore.Bucket(subscriberId)}";

    public static string BatchRow(int number) => "b" + number.ToString("D6", CultureInfo.InvariantCulture);

    public async Task<LedgerIssue?> GetIssueAsync(string issueKey, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition(issueKey), IssueRow, cancellationToken: cancellationToken);
        return row.HasValue ? new LedgerIssue(issueKey, row.Value!.GetDateTimeOffset("Started") ?? default, row.Value.GetDateTimeOffset("Finished")) : null;
    }

    public Task SaveIssueAsync(LedgerIssue issue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return Table.UpsertEntityAsync(
            new TableEntity(Partition(issue.IssueKey), IssueRow) { ["Started"] = issue.Started, ["Finished"] = issue.Finished },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>The key of the last finished issue of an edition and cadence (what <c>SendSchedule.Evaluate</c> needs).</summary>
    public async Task<string?> LastIssueAsync(string scheduleKey, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(SchedulePartition, scheduleKey, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetString("LastIssue") : null;
    }

    public Task SetLastIssueAsync(string scheduleKey, string issueKey, CancellationToken cancellationToken) =>
        Table.UpsertEntityAsync(new TableEntity(SchedulePartition, scheduleKey) { ["LastIssue"] = issueKey }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>The alerts (issue keys) an edition has started on a local date: what its daily limit counts.</summary>
    public async Task<IReadOnlyList<string>> AlertsOfDayAsync(string edition, DateOnly localDate, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(AlertDayPartition, AlertDayRow(edition, localDate), cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetString("Issues") is { Length: > 0 } issues ? issues.Split(',') : [];
    }

    /// <summary>
    /// Counts an alert against its edition's limit of <paramref name="perDay"/> on a local date, before
    /// it is sent: true when it is counted now or was before (a resumed run), false when the day is
    /// full. Optimistic concurrency on the day's row, so two runs never both take the last place.
    /// </summary>
    public async Task<bool> TryCountAlertAsync(string edition, DateOnly localDate, string issueKey, int perDay, CancellationToken cancellationToken)
    {
        var rowKey = AlertDayRow(edition, localDate);
        for (var attempt = 0; ; attempt++)
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(AlertDayPartition, rowKey, cancellationToken: cancellationToken);
            var issues = row.HasValue && row.Value!.GetString("Issues") is { Length: > 0 } text ? text.Split(',').ToList() : [];
            if (issues.Contains(issueKey, StringComparer.Ordinal))
            {
                return true;
            }

            if (issues.Count >= perDay)
            {
                return false;
            }

            issues.Add(issueKey);
            var entity = new TableEntity(AlertDayPartition, rowKey) { ["Issues"] = string.Join(',', issues) };
            try
            {
                if (row.HasValue)
                {
                    await Table.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await Table.AddEntityAsync(entity, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict && attempt < 10)
            {
                // Another run counted an alert in between: read the day again.
            }
        }
    }

    private static string AlertDayRow(string edition, DateOnly localDate) =>
        $"{edition}-{localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    public async Task<IReadOnlyList<LedgerBatch>> BatchesAsync(string issueKey, CancellationToken cancellationToken)
    {
        var batches = new List<LedgerBatch>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(issueKey)} and RowKey ge {"b"} and RowKey lt {"c"}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            batches.Add(FromBatchEntity(e));
        }

        return batches;
    }

    /// <summary>The issue's recipient rows, sorted by subscriber id, streamed page by page, bucket after bucket.</summary>
    public async IAsyncEnumerable<LedgerRecipient> RecipientsAsync(string issueKey, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var bucket in SubscriberStore.Buckets)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RecipientPartition(issueKey, bucket.ToString())}");
            await foreach (var e in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey", "Batch", "Seen"], cancellationToken: cancellationToken))
            {
                yield return new LedgerRecipient(e.RowKey[1..], e.GetInt32("Batch") ?? 0, e.GetString("Seen"));
            }
        }
    }

    /// <summary>Records a batch's recipients (transactions of up to 100) and then the batch itself as planned.</summary>
    public async Task PlanAsync(string issueKey, int batch, IReadOnlyList<string> subscriberIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriberIds);
        foreach (var partition in subscriberIds.GroupBy(id => RecipientPartition(issueKey, id), StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxTransaction))
            {
                var actions = chunk.Select(id => new TableTransactionAction(
                    TableTransactionActionType.UpsertReplace,
                    new TableEntity(partition.Key, "r" + id) { ["Batch"] = batch }));
                await Table.SubmitTransactionAsync(actions, cancellationToken);
                Interlocked.Increment(ref transactions);
            }
        }

        await SetBatchAsync(issueKey, new LedgerBatch(batch, BatchState.Planned, subscriberIds.Count, null, null, 0), cancellationToken);
    }

    public Task SetBatchAsync(string issueKey, LedgerBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var entity = new TableEntity(Partition(issueKey), BatchRow(batch.Number))
        {
            ["State"] = batch.State.ToString(),
            ["Recipients"] = batch.Recipients,
            ["MessageId"] = batch.MessageId,
            ["Reason"] = batch.Reason is { Length: > 1000 } reason ? reason[..1000] : batch.Reason,
            ["Attempts"] = batch.Attempts,
        };
        return Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Notes an event SendGrid reported for a recipient of an issue (processed, delivered, bounce):
    /// proof that a batch marked uncertain did go out. Does nothing for a recipient not in the ledger.
    /// </summary>
    public async Task MarkSeenAsync(string issueKey, string subscriberId, string eventName, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(new TableEntity(RecipientPartition(issueKey, subscriberId), "r" + subscriberId) { ["Seen"] = eventName }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Not one of ours (or an issue key that is not): nothing to reconcile.
        }
    }

    private static LedgerBatch FromBatchEntity(TableEntity e) => new(
        int.Parse(e.RowKey.AsSpan(1), CultureInfo.InvariantCulture),
        Enum.TryParse<BatchState>(e.GetString("State"), out var state) ? state : BatchState.Uncertain,
        e.GetInt32("Recipients") ?? 0,
        e.GetString("MessageId"),
        e.GetString("Reason"),
        e.GetInt32("Attempts") ?? 0);
}
