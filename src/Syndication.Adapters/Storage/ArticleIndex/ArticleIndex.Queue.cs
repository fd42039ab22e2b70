// ArticleIndex, the change queue: recording a change, whether a build has work, taking pages off the queue, acknowledging written feeds, stage notes.
using Azure;
using Azure.Data.Tables;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;

namespace Syndication.Adapters.Storage;

public sealed partial class ArticleIndex
{
    /// <summary>
    /// Whether a feed build has work: a change not yet applied, scopes a build left unwritten, a held
    /// story whose embargo has lifted, or a stage's note that has come due. Not a story still held
    /// nor a note not yet due: they live in the queue's range too, but a build would find nothing
    /// to do with them, and a session that looked again after each such build would never end.
    /// One query (a row at most, keys only), whatever the backlog.
    /// </summary>
    public async Task<bool> HasPendingAsync(CancellationToken cancellationToken)
    {
        var changes = account.Table(StorageNames.ArticleChangesTable);
        var now = clock.GetUtcNow();
        var filter = string.Join(" or ",
            $"({TableClient.CreateQueryFilter($"PartitionKey ge {PendingPrefix} and PartitionKey lt {ReservedPartitions}")})",
            TableClient.CreateQueryFilter($"PartitionKey eq {TouchedPartition}"),
            $"({TableClient.CreateQueryFilter($"PartitionKey eq {HeldPartition} and LiftsAt le {now}")})",
            $"({TableClient.CreateQueryFilter($"PartitionKey eq {NotesPartition} and DueAt le {now}")})");
        await foreach (var page in changes.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages())
        {
            if (page.Values.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The change record of one article version: the index row it needs, and the scopes it leaves.</summary>
    internal static TableEntity ChangeEntity(Article article, Article? previous, DateTimeOffset at)
    {
        var entity = IndexFields(new TableEntity(PendingPartition(article.Id), $"{article.Id}_{article.Version:D6}"), article);
        entity["ChangedAt"] = at;
        entity["Listed"] = article.Status == PublicationStatus.Usable;
        entity["Scopes"] = string.Join(',', FeedScopes.Of(article));
        entity["PreviousScopes"] = previous is null ? "" : string.Join(',', FeedScopes.Of(previous));
        entity["EmbargoedUntil"] = article.EmbargoedUntil;
        entity["Origin"] = article.Origin;
        entity["Editions"] = string.Join(',', article.Editions);
        entity["Urgency"] = article.Urgency;
        if (previous is not null)
        {
            // Where the previous version sat (its public date is its row key), and whether it may
            // have a held row: a new version moves, lifts or kills it.
            entity["PreviousPublic"] = NewsroomRules.PublicDate(previous.Created, previous.EmbargoedUntil);
            entity["PreviousEmbargoed"] = previous.EmbargoedUntil is not null;
        }

        return entity;
    }

    /// <summary>
    /// Applies every pending change to the index, a page at a time. With nothing pending this costs
    /// one request. Each page is taken off the queue once it is in the index and its scopes are in
    /// the queue's record of scopes to rebuild, which stays until <see cref="AcknowledgeAsync"/>:
    /// a crash before the feeds are written finds those scopes again, and memory holds a page and
    /// the set of scopes, whatever the backlog.
    /// </summary>
    public async Task<IndexUpdate> ApplyPendingAsync(CancellationToken cancellationToken)
    {
        // An article's versions sort together, oldest first, so a later page holds later versions
        // and applying page after page ends in the newest state.
        var changes = account.Table(StorageNames.ArticleChangesTable);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var outcome = new ApplyOutcome();
        var notes = new Dictionary<string, QueueNote>(StringComparer.Ordinal);
        ETag? marker = null;
        var markerRead = false;
        await foreach (var page in changes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {PendingPrefix} and PartitionKey lt {"pending."}"), maxPerPage: PendingPage, cancellationToken: cancellationToken).AsPages())
        {
            var pending = new List<TableEntity>(page.Values.Count);
            foreach (var row in page.Values)
            {
                if (row.PartitionKey == TouchedPartition)
                {
                    // Left by a build that stopped before its feeds were written (or written by this one).
                    touched.UnionWith(Split(row.GetString("Scopes")));
                    TouchedTimeCodec.Decode(row.GetString("Times"), outcome.Minutes);
                    marker ??= row.ETag;
                }
                else if (row.PartitionKey == NotesPartition)
                {
                    notes[row.RowKey] = new QueueNote(row.RowKey, row.GetDateTimeOffset("DueAt"), row.GetString("Value") ?? "");
                }
                else if (row.PartitionKey == HeldPartition)
                {
                    // A held story costs nothing until its lift; then it is applied like a change.
                    if (row.GetDateTimeOffset("LiftsAt") is { } lift && lift > now)
                    {
                        outcome.Held++;
                    }
                    else
                    {
                        pending.Add(row);
                    }
                }
                else
                {
                    pending.Add(row);
                }
            }

            if (pending.Count == 0)
            {
                continue;
            }

            if (!markerRead)
            {
                // The record is rewritten whole below; the scopes a stopped build left in it (which
                // this query reaches only after every change) must be in it first.
                markerRead = true;
                var left = await changes.GetEntityIfExistsAsync<TableEntity>(TouchedPartition, TouchedRow, cancellationToken: cancellationToken);
                if (left.HasValue)
                {
                    touched.UnionWith(Split(left.Value!.GetString("Scopes")));
                    TouchedTimeCodec.Decode(left.Value!.GetString("Times"), outcome.Minutes);
                }
            }

            touched.UnionWith(await ApplyAsync(pending, now, outcome, cancellationToken));
            var record = new TableEntity(TouchedPartition, TouchedRow)
            {
                ["Scopes"] = string.Join(',', touched.Order(StringComparer.Ordinal)),
                ["Times"] = TouchedTimeCodec.Encode(outcome.Minutes),
            };
            var recorded = await changes.UpsertEntityAsync(record, TableUpdateMode.Replace, cancellationToken);
            marker = recorded.Headers.ETag;
            await RemoveAsync(changes, pending, cancellationToken);
        }

        var due = notes.Values.Where(n => n.DueAt is { } at && at <= now).Select(n => n.Key).ToHashSet(StringComparer.Ordinal);
        return marker is null
            ? IndexUpdate.Empty with { Held = outcome.Held, Notes = notes, Due = due }
            : new IndexUpdate(touched, marker)
            {
                Withdrawn = outcome.Withdrawn,
                Lifted = outcome.Lifted,
                Held = outcome.Held,
                TouchedTimes = TouchedTimeCodec.Ranges(outcome.Minutes),
                Notes = notes,
                Due = due,
                AlertsDue = outcome.AlertsDue,
            };
    }

    /// <summary>What applying the queue did besides touching scopes.</summary>
    private sealed class ApplyOutcome
    {
        public HashSet<string> Withdrawn { get; } = new(StringComparer.Ordinal);

        public int Lifted { get; set; }

        public int Held { get; set; }

        public int AlertsDue { get; set; }
        /// <summary>The UTC minutes (ticks / ticks per minute) of the public dates of the rows written or removed, per scope.</summary>
        public Dictionary<string, List<(long First, long Last)>> Minutes { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>The feeds of the update's scopes are written: their record leaves the queue (unless another build has added to it since).</summary>
    public async Task AcknowledgeAsync(IndexUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Marker is not { } marker)
        {
            return;
        }

        // Gone already, or rewritten by a build running beside this one (which then removes it): either is fine.
        await DeleteIfUnchangedAsync(account.Table(StorageNames.ArticleChangesTable), TouchedPartition, TouchedRow, marker, cancellationToken);
    }

    /// <summary>Removes applied changes from the queue, in batches per partition.</summary>
    private static async Task RemoveAsync(TableClient changes, List<TableEntity> applied, CancellationToken cancellationToken)
    {
        foreach (var batch in applied.GroupBy(c => c.PartitionKey, StringComparer.Ordinal).SelectMany(partition => partition.Chunk(MaxBatch)))
        {
            try
            {
                await changes.SubmitTransactionAsync(batch.Select(c => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(c.PartitionKey, c.RowKey), c.ETag)), cancellationToken);
            }
            catch (TableTransactionFailedException)
            {
                // Another build removed some of them first, or a newer record of the same version
                // replaced one: remove the rest one by one, each only as read.
                // A record re-recorded since it was read stays, and the next build applies it again.
                foreach (var change in batch)
                {
                    await DeleteIfUnchangedAsync(changes, change.PartitionKey, change.RowKey, change.ETag, cancellationToken);
                }
            }
        }
    }

    /// <summary>Writes (or replaces) a note in the queue's range; <see cref="ApplyPendingAsync"/> hands it back, due or not.</summary>
    public async Task SaveNoteAsync(QueueNote note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        await account.Table(StorageNames.ArticleChangesTable).UpsertEntityAsync(
            new TableEntity(NotesPartition, note.Key) { ["DueAt"] = note.DueAt, ["Value"] = note.Value },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>Changes applied at once: what a backlog costs in memory.</summary>
    private const int PendingPage = 1000;
}
