// ArticleIndex, applying a page of changes to the index rows: newsroom rules, story clusters, size-capped transactions.
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;

namespace Syndication.Adapters.Storage;

public sealed partial class ArticleIndex
{
    /// <summary>A change record as <see cref="FirstPublication"/> reads it.</summary>
    private static RecordedVersion RecordedVersionOf(TableEntity change) =>
        new(change.GetInt32("Version"), change.GetBoolean("PreviousEmbargoed") == true, change.GetDateTimeOffset("PreviousPublic"), change.GetDateTimeOffset("ChangedAt"));

    /// <summary>
    /// Applies one page of changes as <see cref="NewsroomRules"/> has it at <paramref name="now"/>: a
    /// public version is listed in its scopes at its public date, a held one waits in
    /// <see cref="HeldPartition"/>, a killed one leaves every scope. Returns the scopes it touched.
    /// </summary>
    private async Task<HashSet<string>> ApplyAsync(List<TableEntity> pending, DateTimeOffset now, ApplyOutcome outcome, CancellationToken cancellationToken)
    {
        var clusters = await ClusterAsync(pending, cancellationToken);
        var upserts = new Dictionary<string, List<TableTransactionAction>>(StringComparer.Ordinal);
        var deletes = new List<(string Partition, string RowKey)>();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var heldWrites = new List<Func<CancellationToken, Task>>();
        var changes = account.Table(StorageNames.ArticleChangesTable);
        foreach (var versions in pending.GroupBy(c => c.GetString("Id")))
        {
            // The newest version wins: by version, then row key (a held row and the record it came from never meet).
            var latest = versions.MaxBy(c => (c.GetInt32("Version") ?? 0, c.RowKey), VersionOrder)!;
            var id = latest.GetString("Id");
            var created = latest.GetDateTimeOffset("Created")!.Value;
            var state = NewsroomRules.At(
                latest.GetBoolean("Listed") == true ? PublicationStatus.Usable : PublicationStatus.Canceled,
                created,
                latest.GetDateTimeOffset("Updated") ?? created,
                latest.GetDateTimeOffset("EmbargoedUntil"),
                now);
            var current = state.IsPublic ? Split(latest.GetString("Scopes")) : [];
            var previousScopes = versions.SelectMany(c => Split(c.GetString("PreviousScopes"))).ToHashSet();
            var everywhere = versions.SelectMany(c => Split(c.GetString("Scopes"))).Concat(previousScopes).ToHashSet();
            var rowKey = IndexRowKey(state.PublicDate, id);

            // Every place an earlier version may be listed: its scopes at its own public date.
            var earlierPlaces = versions
                .SelectMany(c => new[] { NewsroomRules.PublicDate(c.GetDateTimeOffset("Created")!.Value, c.GetDateTimeOffset("EmbargoedUntil")), c.GetDateTimeOffset("PreviousPublic") })
                .OfType<DateTimeOffset>()
                .Distinct()
                .SelectMany(date => everywhere.Select(scope => (Partition: Partition(scope, date), RowKey: IndexRowKey(date, id))))
                .ToHashSet();
            foreach (var scope in current)
            {
                var row = new TableEntity(Partition(scope, state.PublicDate), rowKey);
                foreach (var field in IndexFieldNames)
                {
                    row[field] = latest.TryGetValue(field, out var value) ? value : null;
                }

                row["Created"] = state.PublicDate;
                row["Updated"] = state.PublicUpdated;
                row["ClusterId"] = clusters.GetValueOrDefault(id, id);

                if (!upserts.TryGetValue(row.PartitionKey, out var actions))
                {
                    upserts[row.PartitionKey] = actions = [];
                }

                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
                earlierPlaces.Remove((row.PartitionKey, rowKey));
            }

            deletes.AddRange(earlierPlaces);
            var fromHeld = versions.Any(c => c.PartitionKey == HeldPartition);
            var mayBeHeld = fromHeld || versions.Any(c => c.GetBoolean("PreviousEmbargoed") == true);
            if (state.Visibility == Visibility.Embargoed)
            {
                var held = new TableEntity(HeldPartition, id);
                foreach (var (key, value) in latest)
                {
                    if (key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
                    {
                        held[key] = value;
                    }
                }

                held["LiftsAt"] = state.LiftsAt;
                heldWrites.Add(ct => changes.UpsertEntityAsync(held, TableUpdateMode.Replace, ct));
            }
            else if (mayBeHeld && !fromHeld)
            {
                // Lifted, moved into the past, removed or killed by a new version: the held row goes
                // (a row applied from the held partition leaves with the rest of the page).
                heldWrites.Add(ct => DeleteIfUnchangedAsync(changes, HeldPartition, id, ETag.All, ct));
            }

            if (fromHeld && state.IsPublic)
            {
                outcome.Lifted++;
            }

            if (state.IsPublic && Article.Breaking(latest.GetInt32("Urgency")) && FirstPublication.Is(versions.Select(RecordedVersionOf), fromHeld))
            {
                var due = new TableEntity(AlertsDuePartition, id)
                {
                    ["Editions"] = latest.GetString("Editions") ?? "",
                    ["PublicDate"] = state.PublicDate,
                    ["Urgency"] = latest.GetInt32("Urgency"),
                    ["Headline"] = latest.GetString("Headline"),
                };
                heldWrites.Add(ct => changes.UpsertEntityAsync(due, TableUpdateMode.Replace, ct));
                outcome.AlertsDue++;
            }

            if (!state.IsPublic && previousScopes.Count > 0)
            {
                outcome.Withdrawn.Add(id);
            }

            // A story that was never public (held from its first version) changes no feed until its lift.
            touched.UnionWith(state.IsPublic ? everywhere : previousScopes);
        }

        var index = account.Table(StorageNames.ArticleIndexTable);
        var work = new List<Func<CancellationToken, Task>>();
        foreach (var actions in upserts.Values)
        {
            foreach (var batch in Batches(actions))
            {
                work.Add(ct => index.SubmitTransactionAsync(batch, ct));
            }
        }

        // Deletes one by one: in a transaction, one row already gone would fail the whole batch.
        work.AddRange(deletes.Select(d => (Func<CancellationToken, Task>)(ct => DeleteIfUnchangedAsync(index, d.Partition, d.RowKey, ETag.All, ct))));
        work.AddRange(heldWrites);
        foreach (var (partition, rowKey) in upserts.Values.SelectMany(a => a).Select(a => (a.Entity.PartitionKey, a.Entity.RowKey)).Concat(deletes))
        {
            var scope = partition[..partition.LastIndexOf('|')];
            if (!outcome.Minutes.TryGetValue(scope, out var minutes))
            {
                outcome.Minutes[scope] = minutes = [];
            }

            var minute = (DateTimeOffset.MaxValue.UtcTicks - long.Parse(rowKey.AsSpan(0, 19), CultureInfo.InvariantCulture)) / TimeSpan.TicksPerMinute;
            minutes.Add((minute, minute));
        }

        // A few at a time: a page of 1,000 changes is dozens of transactions, and sent all at once
        // they queue behind each other in the service (Azurite timed them out at 50,000 articles).
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = MaxWritesInFlight, CancellationToken = cancellationToken }, async (write, ct) => await write(ct));
        return touched;
    }

    /// <summary>
    /// Links each changed article to a story cluster (<see cref="StoryClusters"/>) among the newest
    /// listed articles. Costs one query of the newest rows, only when something changed.
    /// </summary>
    private async Task<Dictionary<string, string>> ClusterAsync(List<TableEntity> pending, CancellationToken cancellationToken)
    {
        var recent = new List<ClusterMember>();
        var table = account.Table(StorageNames.ArticleIndexTable);
        await foreach (var page in table.QueryAsync<TableEntity>(ScopeFilter(FeedScopes.All), maxPerPage: StoryClusters.RecentCandidates, select: ["Id", "TextHash", "ClusterId", "Created"], cancellationToken: cancellationToken).AsPages())
        {
            recent.AddRange(page.Values.Select(e => new ClusterMember(
                e.GetString("Id"), unchecked((ulong)(e.GetInt64("TextHash") ?? 0)), e.GetString("ClusterId") ?? e.GetString("Id"), e.GetDateTimeOffset("Created") ?? default)));
            if (recent.Count >= StoryClusters.RecentCandidates)
            {
                break;
            }
        }

        // Ties in creation go by row key: an article's versions oldest first.
        return StoryClusters.Assign(recent, pending
            .OrderBy(c => c.RowKey, StringComparer.Ordinal)
            .Select(c => new ClusterChange(c.GetString("Id"), unchecked((ulong)(c.GetInt64("TextHash") ?? 0)), c.GetDateTimeOffset("Created") ?? default)));
    }

    /// <summary>
    /// Transactions of at most 100 rows and about 3 MB: a Table transaction refuses more than 4 MiB,
    /// and a hundred rows with bodies near the 30,000-character cap in a non-Latin script (Hindi,
    /// Japanese: each character goes as a six-byte JSON escape) would pass it.
    /// </summary>
    internal static IEnumerable<List<TableTransactionAction>> Batches(IEnumerable<TableTransactionAction> actions)
    {
        const long MaxBytes = 3_000_000;
        var batch = new List<TableTransactionAction>();
        long bytes = 0;
        foreach (var action in actions)
        {
            var size = 1_024 + (action.Entity is IDictionary<string, object> row ? row.Values.OfType<string>().Sum(WireBytes) : 0);
            if (batch.Count == MaxBatch || (batch.Count > 0 && bytes + size > MaxBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(action);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>What a string costs in the transaction's JSON at most: ASCII as itself, anything else escaped (<c>\uXXXX</c>).</summary>
    private static long WireBytes(string value)
    {
        var ascii = System.Text.Ascii.IsValid(value) ? value.Length : value.Count(char.IsAscii);
        return ascii + (6L * (value.Length - ascii));
    }

    /// <summary>Index transactions and deletes in flight at once while a page of changes is applied.</summary>
    private const int MaxWritesInFlight = 4;
}
