using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;
using Syndication.Core.Newsletters;

namespace Syndication.Adapters.Newsletters;

/// <summary>
/// The send ledger. Per issue one partition (the issue key, '/' as '_') with the issue's row and a
/// row per batch of up to 1,000 (<c>b000001</c>): its state, SendGrid's message id or the reason it
/// failed, and the ids of its recipients. A batch's row, ids included, is written in one request
/// before the batch is sent, so a run that crashed or was cancelled resumes with only the unsent,
/// and a send costs three small writes per 1,000 recipients whatever the store's pace per row.
/// Delivery state lives in recipient rows (<c>r{id}</c>), written at SendGrid's first event for the
/// recipient (checked against the batch's ids), in 16 partitions of the issue by the id's first hex
/// digit (<c>{issue}-r7</c>) beside each bucket's counts, so no partition grows with the list.
/// Ledgers written before the ids moved onto the batch rows had a recipient row per recipient from
/// the start; those are still read.
/// </summary>
public sealed class SendLedger(StorageAccount account)
{
    public const int MaxTransaction = 100;
    private const string IssueRow = "issue";
    private const string SchedulePartition = "schedule";
    private const string AlertDayPartition = "alert-days";
    private const string IssuesPartition = "issues";
    private const string ThrottledPartition = "throttled";

    /// <summary>
    /// The delivery counts of a recipient bucket, beside that bucket's recipient rows: a recipient's
    /// state and the counts it feeds change in one transaction, so they never disagree. '~' sorts
    /// after every <c>r{id}</c>.
    /// </summary>
    private const string CountsRow = "~counts";

    /// <summary>
    /// A batch's ids go on its row joined by ',' (ids never hold one) in properties of up to this many
    /// characters: Table Storage holds up to 32K characters in a string property.
    /// </summary>
    private const int IdsChunk = 30_000;

    /// <summary>Batches whose ids the webhook looked up lately: SendGrid posts a batch's events together.</summary>
    private readonly ConcurrentDictionary<(string Issue, int Batch), FrozenSet<string>> _recentBatches = new();

    /// <summary>Ledger writes submitted by this process to plan batches, to check the cost (one per batch).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    private long _transactions;

    private TableClient Table => account.Table(StorageNames.SendLedgerTable);

    public static string Partition(string issueKey) => issueKey.Replace('/', '_');

    public static string RecipientPartition(string issueKey, string subscriberId) =>
        $"{Partition(issueKey)}-r{SubscriberStore.Bucket(subscriberId)}";

    public static string BatchRow(int number) => "b" + number.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The number of a batch row's key (<c>b000012</c>), as SendGrid's events carry it back.</summary>
    public static int? BatchNumber(string? row) =>
        row is { Length: >= 7 and <= 11 } && row[0] == 'b' && int.TryParse(row.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    public async Task<LedgerIssue?> GetIssueAsync(string issueKey, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition(issueKey), IssueRow, cancellationToken: cancellationToken);
        return row.HasValue
            ? new LedgerIssue(issueKey, row.Value!.GetDateTimeOffset("Started") ?? default, row.Value.GetDateTimeOffset("Finished"))
            {
                ThrottledUntil = row.Value.GetDateTimeOffset("ThrottledUntil"),
                ThrottleReason = row.Value.GetString("ThrottleReason"),
            }
            : null;
    }

    public async Task SaveIssueAsync(LedgerIssue issue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        await Table.UpsertEntityAsync(
            new TableEntity(Partition(issue.IssueKey), IssueRow)
            {
                ["Started"] = issue.Started,
                ["Finished"] = issue.Finished,
                ["ThrottledUntil"] = issue.ThrottledUntil,
                ["ThrottleReason"] = issue.ThrottleReason,
            },
            TableUpdateMode.Replace,
            cancellationToken);

        // The list of issues, for reports over days without scanning the table: one small row per issue.
        await Table.UpsertEntityAsync(
            new TableEntity(IssuesPartition, Partition(issue.IssueKey)) { ["IssueKey"] = issue.IssueKey, ["Started"] = issue.Started },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>Notes (or, with <paramref name="issue"/>'s <c>Until</c> null, forgets) an issue a sending cap stopped, so a later timer resumes it even on another day.</summary>
    public async Task SetThrottledAsync(ThrottledIssue issue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        if (issue.Until is { } until)
        {
            await Table.UpsertEntityAsync(
                new TableEntity(ThrottledPartition, Partition(issue.IssueKey))
                {
                    ["IssueKey"] = issue.IssueKey,
                    ["Edition"] = issue.Edition,
                    ["Cadence"] = issue.Cadence,
                    ["Date"] = issue.LocalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["Until"] = until,
                    ["Reason"] = issue.Reason,
                },
                TableUpdateMode.Replace,
                cancellationToken);
        }
        else
        {
            await Table.DeleteEntityAsync(ThrottledPartition, Partition(issue.IssueKey), ETag.All, cancellationToken);
        }
    }

    /// <summary>The issues a sending cap stopped and that are not finished yet (one query; none when the table does not exist yet).</summary>
    public async Task<IReadOnlyList<ThrottledIssue>> ThrottledAsync(CancellationToken cancellationToken)
    {
        var list = new List<ThrottledIssue>();
        try
        {
            await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ThrottledPartition}"), cancellationToken: cancellationToken))
            {
                list.Add(new ThrottledIssue(
                    e.GetString("IssueKey") ?? e.RowKey,
                    e.GetString("Edition") ?? "",
                    e.GetString("Cadence") ?? "",
                    DateOnly.ParseExact(e.GetString("Date") ?? "0001-01-01", "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    e.GetDateTimeOffset("Until"),
                    e.GetString("Reason")));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Nothing was ever sent: no table, nothing throttled.
        }

        return list;
    }

    /// <summary>The issues started since <paramref name="since"/>, newest first.</summary>
    public async Task<IReadOnlyList<LedgerIssue>> IssuesSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var keys = new List<(string Key, DateTimeOffset Started)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IssuesPartition} and Started ge {since}");
        try
        {
            await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                keys.Add((e.GetString("IssueKey") ?? e.RowKey, e.GetDateTimeOffset("Started") ?? default));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return []; // nothing was ever sent: no table yet
        }

        var issues = new List<LedgerIssue>(keys.Count);
        foreach (var (key, _) in keys.OrderByDescending(k => k.Started).ThenBy(k => k.Key, StringComparer.Ordinal))
        {
            if (await GetIssueAsync(key, cancellationToken) is { } issue)
            {
                issues.Add(issue);
            }
        }

        return issues;
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
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, select: BatchFields, cancellationToken: cancellationToken))
        {
            batches.Add(FromBatchEntity(e));
        }

        return batches;
    }

    /// <summary>
    /// Who is in the issue's batches, and in which: from the batch rows' ids (one query of the issue's
    /// partition), and for batches planned before the ids moved there, from their recipient rows.
    /// Empty on an issue's first run; on a re-run it holds everyone planned so far.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> PlannedAsync(string issueKey, CancellationToken cancellationToken)
    {
        var planned = new Dictionary<string, int>(StringComparer.Ordinal);
        var legacy = false;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(issueKey)} and RowKey ge {"b"} and RowKey lt {"c"}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var number = FromBatchEntity(e).Number;
            if (IdsOf(e) is { } ids)
            {
                foreach (var id in ids)
                {
                    planned[id] = number;
                }
            }
            else if ((e.GetInt32("Recipients") ?? 0) > 0)
            {
                legacy = true;
            }
        }

        if (legacy)
        {
            foreach (var bucket in SubscriberStore.Buckets)
            {
                var rows = TableClient.CreateQueryFilter($"PartitionKey eq {RecipientPartition(issueKey, bucket.ToString())} and RowKey ge {"r"} and RowKey lt {"s"}");
                await foreach (var e in Table.QueryAsync<TableEntity>(rows, maxPerPage: 1000, select: ["RowKey", "Batch"], cancellationToken: cancellationToken))
                {
                    if (e.GetInt32("Batch") is { } batch)
                    {
                        planned.TryAdd(e.RowKey[1..], batch);
                    }
                }
            }
        }

        return planned;
    }

    private static readonly string[] BatchFields = ["RowKey", "State", "Recipients", "MessageId", "Reason", "Attempts"];

    /// <summary>The ids on a batch row, or null for a row written before the ids moved onto batch rows.</summary>
    private static string[]? IdsOf(TableEntity e)
    {
        if (e.GetInt32("IdParts") is not { } parts)
        {
            return null;
        }

        var joined = string.Concat(Enumerable.Range(0, parts).Select(part => e.GetString("Ids" + part.ToString(CultureInfo.InvariantCulture)) ?? ""));
        return joined.Length == 0 ? [] : joined.Split(',');
    }

    /// <summary>Whether the batch's row lists the subscriber; a recent batch's ids are kept in memory.</summary>
    private async Task<bool> IsPlannedAsync(string issueKey, int batch, string subscriberId, CancellationToken cancellationToken)
    {
        if (!_recentBatches.TryGetValue((issueKey, batch), out var ids))
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition(issueKey), BatchRow(batch), cancellationToken: cancellationToken);
            ids = (row.HasValue ? IdsOf(row.Value!) : null)?.ToFrozenSet(StringComparer.Ordinal) ?? FrozenSet<string>.Empty;
            if (_recentBatches.Count >= 64)
            {
                _recentBatches.Clear();
            }

            _recentBatches[(issueKey, batch)] = ids;
        }

        return ids.Contains(subscriberId);
    }

    /// <summary>Records a batch as planned, with its recipients' ids, in one write to its row.</summary>
    public async Task PlanAsync(string issueKey, int batch, IReadOnlyList<string> subscriberIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriberIds);
        if (subscriberIds.Any(id => id.Length == 0 || id.Contains(',', StringComparison.Ordinal)))
        {
            throw new ArgumentException("A subscriber id in the ledger is never empty and never holds ','.", nameof(subscriberIds));
        }

        var entity = BatchEntity(issueKey, new LedgerBatch(batch, BatchState.Planned, subscriberIds.Count, null, null, 0));
        var joined = string.Join(',', subscriberIds);
        var parts = 0;
        for (var start = 0; start < joined.Length; start += IdsChunk)
        {
            entity["Ids" + parts++.ToString(CultureInfo.InvariantCulture)] = joined.Substring(start, Math.Min(IdsChunk, joined.Length - start));
        }

        entity["IdParts"] = parts;
        await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        Interlocked.Increment(ref _transactions);
    }

    /// <summary>A batch's new state, merged into its row so that the ids written when it was planned stay.</summary>
    public Task SetBatchAsync(string issueKey, LedgerBatch batch, CancellationToken cancellationToken) =>
        Table.UpsertEntityAsync(BatchEntity(issueKey, batch), TableUpdateMode.Merge, cancellationToken);

    private static TableEntity BatchEntity(string issueKey, LedgerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // A batch's message id and reason are set at most once, by its last state (its earlier states
        // have neither), so a merge that leaves them out keeps nothing stale.
        var entity = new TableEntity(Partition(issueKey), BatchRow(batch.Number))
        {
            ["State"] = batch.State.ToString(),
            ["Recipients"] = batch.Recipients,
            ["Attempts"] = batch.Attempts,
        };
        if (batch.MessageId is not null)
        {
            entity["MessageId"] = batch.MessageId;
        }

        if (batch.Reason is not null)
        {
            entity["Reason"] = batch.Reason is { Length: > 1000 } reason ? reason[..1000] : batch.Reason;
        }

        return entity;
    }

    /// <summary>
    /// Merges a SendGrid event into the recipient's delivery state and, in the same transaction, the
    /// change it makes to the counts of the recipient's bucket (both rows ETag-guarded; a conflict
    /// with a concurrent post re-reads and tries again). A repeated or reordered event changes the
    /// state as the first did or not at all, so it is counted once. The recipient's row is added by
    /// the first event, only when the batch it names lists the recipient: bounded storage (a row per
    /// recipient who was sent, plus 16 count rows per issue) and exact counts.
    /// </summary>
    /// <param name="batch">The batch the event's custom args name; null when they name none (mail sent before they did).</param>
    public async Task<DeliveryUpdate> ApplyEventAsync(string issueKey, int? batch, string subscriberId, SendGridEvent e, TimeSpan scannerWindow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var partition = RecipientPartition(issueKey, subscriberId);
        var recipientRow = "r" + subscriberId;
        for (var attempt = 1; ; attempt++)
        {
            TableEntity? recipient = null, counts = null;
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and (RowKey eq {recipientRow} or RowKey eq {CountsRow})");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (row.RowKey == CountsRow)
                {
                    counts = row;
                }
                else
                {
                    recipient = row;
                }
            }

            var added = recipient is null;
            if (recipient is null)
            {
                if (batch is not { } number || !await IsPlannedAsync(issueKey, number, subscriberId, cancellationToken))
                {
                    return DeliveryUpdate.NotInLedger;
                }

                recipient = new TableEntity(partition, recipientRow) { ["Batch"] = number };
            }

            var before = StateOf(recipient);
            var after = before.With(e);
            var firstSeen = recipient.GetString("Seen") is null;
            if (after == before && !firstSeen)
            {
                return DeliveryUpdate.Unchanged;
            }

            var delta = DeliveryCounts.Of(after, scannerWindow) - DeliveryCounts.Of(before, scannerWindow);
            var update = new TableEntity(partition, recipientRow)
            {
                ["Delivery"] = (int)after.Flags,
                ["DeliveredAt"] = after.DeliveredAt,
                ["LastClickAt"] = after.LastClickAt,
                ["Seen"] = recipient.GetString("Seen") ?? e.Event,
            };
            if (added)
            {
                update["Batch"] = recipient.GetInt32("Batch");
            }

            // Added by this event, or changed since it was read: a concurrent post's write makes this one conflict, and it reads again.
            var actions = new List<TableTransactionAction> { added ? new(TableTransactionActionType.Add, update) : new(TableTransactionActionType.UpdateMerge, update, recipient.ETag) };
            if (!delta.IsZero)
            {
                var total = (counts is null ? DeliveryCounts.Zero : CountsOf(counts)) + delta;
                var entity = new TableEntity(partition, CountsRow);
                foreach (var (name, value) in total.Fields())
                {
                    entity[name] = value;
                }

                actions.Add(counts is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, counts.ETag));
            }

            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken);
                return after == before ? DeliveryUpdate.Unchanged : DeliveryUpdate.Counted;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed && attempt < 20)
            {
                // Another post changed the recipient or the bucket's counts since we read them: read again.
            }
        }
    }

    /// <summary>An issue's delivery counts: the sum of its 16 buckets' count rows (16 point reads).</summary>
    public async Task<DeliveryCounts> CountsAsync(string issueKey, CancellationToken cancellationToken)
    {
        var reads = SubscriberStore.Buckets.Select(async bucket =>
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(RecipientPartition(issueKey, bucket.ToString()), CountsRow, cancellationToken: cancellationToken);
            return row.HasValue ? CountsOf(row.Value!) : DeliveryCounts.Zero;
        });
        var total = DeliveryCounts.Zero;
        foreach (var counts in await Task.WhenAll(reads))
        {
            total += counts;
        }

        return total;
    }

    private static RecipientDelivery StateOf(TableEntity e) =>
        new((DeliveryMarks)(e.GetInt32("Delivery") ?? 0), e.GetDateTimeOffset("DeliveredAt"), e.GetDateTimeOffset("LastClickAt"));

    private static DeliveryCounts CountsOf(TableEntity e) => DeliveryCounts.FromFields(name => e.GetInt64(name) ?? 0);

    private static LedgerBatch FromBatchEntity(TableEntity e) => new(
        int.Parse(e.RowKey.AsSpan(1), CultureInfo.InvariantCulture),
        Enum.TryParse<BatchState>(e.GetString("State"), out var state) ? state : BatchState.Uncertain,
        e.GetInt32("Recipients") ?? 0,
        e.GetString("MessageId"),
        e.GetString("Reason"),
        e.GetInt32("Attempts") ?? 0);
}
