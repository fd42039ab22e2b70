// ArticleIndex, applying a page of changes to the index rows where the core places them (IndexPlacement, StoryClusters), in size-capped transactions.
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;

namespace Syndication.Adapters.Storage;

public sealed partial class ArticleIndex
{
    /// <summary>A change record (or a held story come to its lift) as <see cref="IndexPlacement"/> reads it.</summary>
    private static PendingVersion PendingVersionOf(TableEntity change) => new()
    {
        Id = change.GetString("Id"),
        Version = change.GetInt32("Version"),
        Key = change.RowKey,
        Listed = change.GetBoolean("Listed") == true,
        Created = change.GetDateTimeOffset("Created")!.Value,
        Updated = change.GetDateTimeOffset("Updated"),
        EmbargoedUntil = change.GetDateTimeOffset("EmbargoedUntil"),
        Scopes = Split(change.GetString("Scopes")),
        PreviousScopes = Split(change.GetString("PreviousScopes")),
        PreviousPublic = change.GetDateTimeOffset("PreviousPublic"),
        PreviousEmbargoed = change.GetBoolean("PreviousEmbargoed") == true,
        ChangedAt = change.GetDateTimeOffset("ChangedAt"),
        Urgency = change.GetInt32("Urgency"),
        FromHeld = change.PartitionKey == HeldPartition,
    };

    /// <summary>
    /// Applies one page of changes where <see cref="IndexPlacement"/> puts them at <paramref name="now"/>
    /// (the newsroom's rules): rows upserted in the feeds an article is listed in and deleted from
    /// the places it left, its held row written or removed, its alert recorded as due. Returns the
    /// scopes it touched.
    /// </summary>
    private async Task<HashSet<string>> ApplyAsync(List<TableEntity> pending, DateTimeOffset now, ApplyOutcome outcome, CancellationToken cancellationToken)
    {
        var clusters = await ClusterAsync(pending, cancellationToken);
        var upserts = new Dictionary<string, List<TableTransactionAction>>(StringComparer.Ordinal);
        var deletes = new List<(string Partition, string RowKey)>();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var heldWrites = new List<Func<CancellationToken, Task>>();
        var changes = account.Table(StorageNames.ArticleChangesTable);
        foreach (var records in pending.GroupBy(c => c.GetString("Id")))
        {
            var rows = records.ToList();
            var versions = rows.ConvertAll(PendingVersionOf);
            var placement = IndexPlacement.Of(versions, now);
            var latest = rows[versions.FindIndex(v => ReferenceEquals(v, placement.Latest))];
            var id = placement.Latest.Id;
            var state = placement.State;
            var rowKey = IndexRowKey(state.PublicDate, id);
            foreach (var scope in placement.ListedIn)
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
            }

            deletes.AddRange(placement.Unlisted.Select(place => (Partition(place.Scope, place.Date), IndexRowKey(place.Date, id))));
            if (placement.Hold == HoldChange.Hold)
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
            else if (placement.Hold == HoldChange.Release)
            {
                // A row applied from the held partition leaves with the rest of the page; this one
                // may hold an earlier version.
                heldWrites.Add(ct => DeleteIfUnchangedAsync(changes, HeldPartition, id, ETag.All, ct));
            }

            if (placement.Lifted)
            {
                outcome.Lifted++;
            }

            if (placement.AlertDue)
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

            if (placement.Withdrawn)
            {
                outcome.Withdrawn.Add(id);
            }

            touched.UnionWith(placement.Touched);
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
