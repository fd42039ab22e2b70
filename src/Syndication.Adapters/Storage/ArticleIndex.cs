using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;
using Syndication.Core.Sitemaps;

namespace Syndication.Adapters.Storage;

/// <summary>Changes applied to the index, whose feeds are to be written and then acknowledged.</summary>
/// <param name="TouchedScopes">Every scope whose newest-first list changed: the feeds to rebuild.</param>
/// <param name="Marker">The version of the queue's record of these scopes, to remove once their feeds are written; null when nothing changed.</param>
public sealed record IndexUpdate(IReadOnlySet<string> TouchedScopes, ETag? Marker)
{
    public static IndexUpdate Empty { get; } = new(new HashSet<string>(), null);

    public bool IsEmpty => Marker is null;

    /// <summary>Articles this update took out of public view (killed, or embargoed again): every output that may still show them drops them.</summary>
    public IReadOnlySet<string> Withdrawn { get; init; } = new HashSet<string>();

    /// <summary>Embargoed articles whose lift came, now in the index.</summary>
    public int Lifted { get; init; }

    /// <summary>Articles still held by an embargo after this build.</summary>
    public int Held { get; init; }

    /// <summary>Breaking stories this build published for the first time: their alerts are due.</summary>
    public int AlertsDue { get; init; }
    /// <summary>
    /// Per scope, the spans of public dates (whole UTC minutes) of the index rows this update wrote
    /// or removed: the archive documents that cover them are the only ones that may have to change.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<TouchedSpan>> TouchedTimes { get; init; } = new Dictionary<string, IReadOnlyList<TouchedSpan>>();

    /// <summary>Every note kept in the queue (<see cref="ArticleIndex.SaveNoteAsync"/>), by key: read with the changes, at no extra request.</summary>
    public IReadOnlyDictionary<string, QueueNote> Notes { get; init; } = new Dictionary<string, QueueNote>();

    /// <summary>The keys of the notes whose time has come: work due even when no article changed.</summary>
    public IReadOnlySet<string> Due { get; init; } = new HashSet<string>();
}

/// <summary>Public dates from <paramref name="From"/> (included) until <paramref name="Until"/> (excluded).</summary>
public readonly record struct TouchedSpan(DateTimeOffset From, DateTimeOffset Until);

/// <summary>
/// A small note a stage keeps in the change queue's range, so the one query of an idle build reads
/// it too: what it last wrote, and when it must write again without a change (<paramref name="DueAt"/>).
/// </summary>
public sealed record QueueNote(string Key, DateTimeOffset? DueAt, string Value);

/// <summary>A story held by its embargo, as the private status page lists it.</summary>
public sealed record HeldArticle(string Id, string Headline, DateTimeOffset LiftsAt, IReadOnlyList<string> Editions, string? Origin);

/// <summary>A listed article as trending sees it: the keys page views may use, and what its box shows.</summary>
/// <param name="RowKey">Its row in the index (for <see cref="ArticleIndex.EntriesAsync"/>).</param>
/// <param name="ClusterId">Its near-duplicate story cluster; its own id when alone.</param>
/// <param name="Image">Its first picture, if any.</param>
public sealed record RecentArticle(string RowKey, string Id, string SourceKey, string Slug, Uri Url, string Headline, DateTimeOffset Created, string ClusterId, SectionType Section, ArticleImage? Image);

/// <summary>
/// The article index: newest first per scope (all, each edition, sector and section), one table
/// partition per scope and day of creation (<c>all|2912113</c> for 26 November 2026: the scope, then the day counted
/// backwards so the newest day sorts first), so a feed's newest items are one range query over
/// the scope's partitions. A partition per scope alone would put a whole archive's rows in
/// <c>all</c>: Table storage serves one partition from one server (2,000 entities a second), and
/// Azurite's writes slow down in proportion to the partition's size (a 50,000-article build timed
/// out). Ingest records each change in one
/// write to the <c>ArticleChanges</c> queue; <see cref="ApplyPendingAsync"/> brings the index up to
/// date in batched transactions and says which scopes changed.
/// </summary>
public sealed class ArticleIndex(StorageAccount account, TimeProvider clock)
{
    /// <summary>
    /// Change records go in 16 partitions by the article id's first hex digit (<c>pending-7</c>), so a
    /// bulk load does not pile every record into one partition. The row key is the article id and
    /// its version (<c>{id}_{version}</c>): recording the same version again (a drop ingested again
    /// after a crash between the article's write and its record) is the same row, and an article's
    /// versions sort together, oldest first, so applying page after page ends in the newest.
    /// </summary>
    private const string PendingPrefix = "pending-";

    private static string PendingPartition(string articleId) => PendingPrefix + (articleId.Length > 0 ? articleId[0] : '0');

    /// <summary>
    /// The record of the scopes whose feeds are still to be written, kept in the change queue's
    /// range (after every <c>pending-{digit}</c>) so the one query that finds changes finds it too:
    /// each page of changes is acknowledged as soon as it is in the index, once its scopes are in
    /// this record, and the record goes once the feeds are written.
    /// </summary>
    private const string TouchedPartition = PendingPrefix + "~touched";

    /// <summary>Where the queue's own partitions begin: every article's change partition sorts before it (ids are hex).</summary>
    private const string ReservedPartitions = PendingPrefix + "~";

    /// <summary>
    /// Stories held by an embargo (<see cref="NewsroomRules"/>): one row per article, its change
    /// record as applied, with <c>LiftsAt</c>. Kept in the change queue's range, so the one query an
    /// idle build makes reads them too and a lift costs no request until it comes: the first build
    /// after it applies the row like any change, without a new drop.
    /// </summary>
    private const string HeldPartition = PendingPrefix + "~held";

    /// <summary>Notes of the stages (<see cref="QueueNote"/>), in the queue's range so an idle build reads them for free.</summary>
    private const string NotesPartition = PendingPrefix + "~notes";

    /// <summary>
    /// Articles that are not public as last ingested (killed, or held by an embargo), one row each
    /// with <c>Until</c> (the lift; none for a kill), written at ingest: a newsletter checks its
    /// stories against these before each batch, before any feed build has applied the change.
    /// Outside the queue's range, so builds never read them.
    /// </summary>
    private const string WithdrawnPartition = "withdrawn";

    /// <summary>
    /// Breaking stories (<see cref="Article.Breaking"/>) at their first publication, one row each
    /// (<c>Editions</c>, <c>PublicDate</c>, <c>Urgency</c>), written by the build that makes them
    /// public (a first version, or an embargo's lift) before its changes leave the queue: the alert
    /// sender reads them and removes each once every edition's alert is sent or dropped. An update
    /// writes none. Outside the queue's range, so builds never read them.
    /// </summary>
    private const string AlertsDuePartition = "alerts-due";
    private const string TouchedRow = "scopes";
    private const int MaxBatch = 100;

    /// <summary>The partition of a scope's rows created on <paramref name="created"/>'s UTC day: newer days sort first.</summary>
    internal static string Partition(string scope, DateTimeOffset created) =>
        scope + "|" + (LastDay - DateOnly.FromDateTime(created.UtcDateTime).DayNumber).ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>The partition of an index row, from the creation instant its row key begins with.</summary>
    private static string PartitionOfRow(string scope, string rowKey) =>
        Partition(scope, new DateTimeOffset(DateTimeOffset.MaxValue.UtcTicks - long.Parse(rowKey.AsSpan(0, 19), CultureInfo.InvariantCulture), TimeSpan.Zero));

    private static readonly int LastDay = DateOnly.MaxValue.DayNumber;

    /// <summary>A filter for every partition of a scope: they all sort between <c>{scope}|</c> and <c>{scope}}</c>.</summary>
    private static string ScopeFilter(string scope) =>
        TableClient.CreateQueryFilter($"PartitionKey gt {scope + "|"} and PartitionKey lt {scope + "}"}");

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
    /// The withdrawn row an ingested version needs (<see cref="WithdrawnPartition"/>): upsert it when
    /// the version is not public now, delete it when it is and an earlier version was not; null: nothing to do.
    /// </summary>
    internal static (TableEntity Row, bool Upsert)? WithdrawnChange(Article article, Article? previous, DateTimeOffset at)
    {
        var state = NewsroomRules.At(article, at);
        if (!state.IsPublic)
        {
            return (new TableEntity(WithdrawnPartition, article.Id) { ["Until"] = state.LiftsAt, ["Version"] = article.Version }, true);
        }

        return previous is not null && (previous.Status != PublicationStatus.Usable || previous.EmbargoedUntil is not null)
            ? (new TableEntity(WithdrawnPartition, article.Id), false)
            : null;
    }

    /// <summary>
    /// Which of <paramref name="ids"/> are not public at <paramref name="at"/> as last ingested (a kill,
    /// or an embargo not yet lifted), whether or not a feed build has applied it yet: one query per 14 ids.
    /// </summary>
    public async Task<IReadOnlySet<string>> WithdrawnAmongAsync(IReadOnlyCollection<string> ids, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var withdrawn = new HashSet<string>(StringComparer.Ordinal);
        var changes = account.Table(StorageNames.ArticleChangesTable);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(14))
        {
            var rows = string.Join(" or ", chunk.Select(id => TableClient.CreateQueryFilter($"RowKey eq {id}")));
            var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {WithdrawnPartition}")} and ({rows})";
            await foreach (var row in changes.QueryAsync<TableEntity>(filter, select: ["RowKey", "Until"], cancellationToken: cancellationToken))
            {
                if (row.GetDateTimeOffset("Until") is not { } until || until > at)
                {
                    withdrawn.Add(row.RowKey);
                }
            }
        }

        return withdrawn;
    }

    /// <summary>The stories held by an embargo, soonest lift first: for the private status page. One query.</summary>
    public async Task<IReadOnlyList<HeldArticle>> HeldAsync(CancellationToken cancellationToken)
    {
        var held = new List<HeldArticle>();
        var changes = account.Table(StorageNames.ArticleChangesTable);
        await foreach (var row in changes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {HeldPartition}"), select: ["RowKey", "Headline", "LiftsAt", "Editions", "Origin"], cancellationToken: cancellationToken))
        {
            held.Add(new HeldArticle(row.RowKey, row.GetString("Headline") ?? row.RowKey, row.GetDateTimeOffset("LiftsAt") ?? DateTimeOffset.MaxValue, Split(row.GetString("Editions")), row.GetString("Origin")));
        }

        return [.. held.OrderBy(h => h.LiftsAt).ThenBy(h => h.Id, StringComparer.Ordinal)];
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

    /// <summary>A change record as <see cref="FirstPublication"/> reads it.</summary>
    private static RecordedVersion RecordedVersionOf(TableEntity change) =>
        new(change.GetInt32("Version"), change.GetBoolean("PreviousEmbargoed") == true, change.GetDateTimeOffset("PreviousPublic"), change.GetDateTimeOffset("ChangedAt"));

    /// <summary>A breaking story due to be alerted, as the build that published it recorded it.</summary>
    public sealed record DueAlert(string ArticleId, IReadOnlyList<string> Editions, DateTimeOffset PublicDate, string? Headline);

    /// <summary>Breaking stories whose alerts are not all sent yet, oldest publication first: one query.</summary>
    public async Task<IReadOnlyList<DueAlert>> DueAlertsAsync(CancellationToken cancellationToken)
    {
        var due = new List<DueAlert>();
        var changes = account.Table(StorageNames.ArticleChangesTable);
        await foreach (var row in changes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AlertsDuePartition}"), cancellationToken: cancellationToken))
        {
            due.Add(new DueAlert(row.RowKey, Split(row.GetString("Editions")), row.GetDateTimeOffset("PublicDate") ?? DateTimeOffset.MinValue, row.GetString("Headline")));
        }

        return [.. due.OrderBy(d => d.PublicDate).ThenBy(d => d.ArticleId, StringComparer.Ordinal)];
    }

    /// <summary>Records a breaking story as due (an editor's <c>newsletter alert</c> does not need this; tests and tools may).</summary>
    public Task AddDueAlertAsync(DueAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return account.Table(StorageNames.ArticleChangesTable).UpsertEntityAsync(
            new TableEntity(AlertsDuePartition, alert.ArticleId) { ["Editions"] = string.Join(',', alert.Editions), ["PublicDate"] = alert.PublicDate, ["Headline"] = alert.Headline },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>Removes a due alert once each of its editions' alerts is sent, dropped or killed.</summary>
    public Task RemoveDueAlertAsync(string articleId, CancellationToken cancellationToken) =>
        DeleteIfUnchangedAsync(account.Table(StorageNames.ArticleChangesTable), AlertsDuePartition, articleId, ETag.All, cancellationToken);

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

    /// <summary>
    /// The newest <paramref name="max"/> articles of a scope, newest first, one per story cluster
    /// (the newest telling of a story stands for it): usually one query.
    /// </summary>
    public async Task<IReadOnlyList<FeedEntry>> NewestAsync(string scope, int max, CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        var entries = new List<FeedEntry>(max);
        var seenClusters = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var page in table.QueryAsync<TableEntity>(ScopeFilter(scope), maxPerPage: Math.Min(max * 2, 1000), cancellationToken: cancellationToken).AsPages())
        {
            foreach (var entity in page.Values)
            {
                if (!seenClusters.Add(entity.GetString("ClusterId") ?? entity.GetString("Id")))
                {
                    continue;
                }

                entries.Add(FromEntity(entity));
                if (entries.Count == max)
                {
                    return entries;
                }
            }
        }

        return entries;
    }

    /// <summary>
    /// Every listed article created since <paramref name="since"/>, newest first, without bodies:
    /// what trending needs to resolve page-view keys and label its boxes. Pages of 1,000 rows; the
    /// row keys sort newest first, so the query stops at the first older row.
    /// </summary>
    public async Task<IReadOnlyList<RecentArticle>> RecentAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        var upTo = IndexRowKey(since, "~");
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {FeedScopes.All + "|"} and PartitionKey le {Partition(FeedScopes.All, since)} and RowKey le {upTo}");
        var recent = new List<RecentArticle>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: RecentFieldNames, cancellationToken: cancellationToken))
        {
            var id = entity.GetString("Id");
            var url = new Uri(entity.GetString("Url"));
            recent.Add(new RecentArticle(
                entity.RowKey,
                id,
                entity.GetString("SourceKey") ?? id,
                entity.GetString("Slug") ?? url.Segments[^1].TrimEnd('/'),
                url,
                entity.GetString("Headline"),
                entity.GetDateTimeOffset("Created") ?? DateTimeOffset.MinValue,
                entity.GetString("ClusterId") ?? id,
                SectionOf(entity),
                ImagesOf(entity).FirstOrDefault()));
        }

        return recent;
    }

    /// <summary>The full feed entries of the given articles (index row keys from <see cref="RecentAsync"/>), in that order, in one query per 13 (usually one); rows gone since are left out.</summary>
    public async Task<IReadOnlyList<FeedEntry>> EntriesAsync(IReadOnlyList<string> rowKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rowKeys);
        if (rowKeys.Count == 0)
        {
            return [];
        }

        var table = account.Table(StorageNames.ArticleIndexTable);
        var found = new Dictionary<string, FeedEntry>(StringComparer.Ordinal);

        // Table storage takes at most 15 comparisons in a filter: two bound the days, the rest name rows.
        foreach (var chunk in rowKeys.Distinct(StringComparer.Ordinal).Chunk(13))
        {
            var partitions = chunk.Select(rowKey => PartitionOfRow(FeedScopes.All, rowKey)).Order(StringComparer.Ordinal).ToList();
            var rows = string.Join(" or ", chunk.Select(rowKey => TableClient.CreateQueryFilter($"RowKey eq {rowKey}")));
            var filter = $"{TableClient.CreateQueryFilter($"PartitionKey ge {partitions[0]} and PartitionKey le {partitions[^1]}")} and ({rows})";
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                found[entity.RowKey] = FromEntity(entity);
            }
        }

        return [.. rowKeys.Where(found.ContainsKey).Select(rowKey => found[rowKey])];
    }

    /// <summary>
    /// The row keys of a scope from <paramref name="from"/> (included) to <paramref name="before"/>
    /// (excluded), newest first; null bounds are open. Keys only: what archive paging counts.
    /// </summary>
    public async IAsyncEnumerable<string> RowKeysAsync(string scope, string? from, string? before, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        await foreach (var entity in table.QueryAsync<TableEntity>(RangeFilter(scope, from, before), maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            yield return entity.RowKey;
        }
    }

    /// <summary>The feed entries of a scope from <paramref name="from"/> (included) to <paramref name="before"/> (excluded), newest first, with their row keys.</summary>
    public async IAsyncEnumerable<(string RowKey, FeedEntry Entry)> EntriesBetweenAsync(string scope, string? from, string? before, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        await foreach (var entity in table.QueryAsync<TableEntity>(RangeFilter(scope, from, before), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return (entity.RowKey, FromEntity(entity));
        }
    }

    /// <summary>
    /// A scope's stories public at or after <paramref name="since"/>, newest first, as a news sitemap
    /// lists them (no bodies read). The index holds only public stories (<see cref="NewsroomRules"/>):
    /// held and killed ones are never here.
    /// </summary>
    public async Task<IReadOnlyList<NewsSitemapEntry>> NewsSinceAsync(string scope, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        var news = new List<NewsSitemapEntry>();
        await foreach (var entity in table.QueryAsync<TableEntity>(RangeFilter(scope, null, Before(since)), maxPerPage: 1000, select: ["Url", "Headline", "Created", "Language"], cancellationToken: cancellationToken))
        {
            news.Add(new NewsSitemapEntry(new Uri(entity.GetString("Url")), entity.GetString("Headline") ?? "", entity.GetDateTimeOffset("Created") ?? DateTimeOffset.MinValue, entity.GetString("Language")));
        }

        return news;
    }

    /// <summary>The row-key range of articles public within <paramref name="span"/>: from (included), before (excluded).</summary>
    public static (string From, string Before) RowKeyRange(TouchedSpan span) =>
        (Before(span.Until.AddTicks(-1)), Before(span.From));

    /// <summary>A bound just older than <paramref name="instant"/>: every row key public at or after it sorts before this.</summary>
    private static string Before(DateTimeOffset instant) =>
        (DateTimeOffset.MaxValue.UtcTicks - instant.UtcTicks + 1).ToString("D19", CultureInfo.InvariantCulture);

    private static string RangeFilter(string scope, string? from, string? before)
    {
        var filter = from is null
            ? TableClient.CreateQueryFilter($"PartitionKey gt {scope + "|"} and RowKey ge {""}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {PartitionOfRow(scope, from)} and RowKey ge {from}");
        // A bound that is no row key (the archive's "~" after every key) leaves the older end open.
        return filter + " and " + (before is null || !char.IsAsciiDigit(before[0])
            ? TableClient.CreateQueryFilter($"PartitionKey lt {scope + "}"}")
            : TableClient.CreateQueryFilter($"PartitionKey le {PartitionOfRow(scope, before)} and RowKey lt {before}"));
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

    private static readonly string[] RecentFieldNames = ["RowKey", "Id", "Url", "Headline", "Created", "ClusterId", "SourceKey", "Slug", "Section", "Images"];

    /// <summary>Changes applied at once: what a backlog costs in memory.</summary>
    private const int PendingPage = 1000;

    /// <summary>Index transactions and deletes in flight at once while a page of changes is applied.</summary>
    private const int MaxWritesInFlight = 4;
    /// <summary>Bodies up to this many characters ride in the index row (a Table property holds 32K); longer ones are summarised in feeds.</summary>
    private const int MaxIndexedBodyChars = 30_000;

    private static readonly string[] IndexFieldNames =
        ["Id", "Url", "Headline", "Summary", "Byline", "Created", "Updated", "Sectors", "Section", "Version", "TextHash", "ContentHtml", "Images", "Language", "SourceKey", "Slug", "Correction"];

    private static TableEntity IndexFields(TableEntity entity, Article article)
    {
        entity["Id"] = article.Id;
        entity["Url"] = article.Url.AbsoluteUri;
        entity["Headline"] = article.Headline;
        entity["Summary"] = article.Summary;
        entity["Byline"] = article.Byline;
        entity["Created"] = article.Created;
        entity["Updated"] = article.Updated;
        entity["Sectors"] = string.Join(',', article.Sectors);
        entity["Section"] = article.Section.ToString();
        entity["Version"] = article.Version;
        entity["TextHash"] = unchecked((long)article.TextHash);
        entity["ContentHtml"] = article.BodyHtml.Length <= MaxIndexedBodyChars ? article.BodyHtml : null;
        entity["Images"] = article.Images.Count == 0 ? null : JsonSerializer.Serialize(article.Images, ImageJson);
        entity["Language"] = article.Language;
        entity["SourceKey"] = article.SourceKey;
        entity["Slug"] = article.Slug;
        entity["Correction"] = article.Correction;
        return entity;
    }

    /// <summary>The index row key of an article listed at <paramref name="created"/> (its public date, as trending documents carry it).</summary>
    public static string RowKeyOf(DateTimeOffset created, string id) => IndexRowKey(created, id);

    /// <summary>Newest first: reverse ticks of the creation instant, then the id to break ties.</summary>
    private static string IndexRowKey(DateTimeOffset created, string id) =>
        (DateTimeOffset.MaxValue.UtcTicks - created.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "_" + id;

    private static string[] Split(string? scopes) => string.IsNullOrEmpty(scopes) ? [] : scopes.Split(',');

    private static readonly Comparer<(int Version, string RowKey)> VersionOrder = Comparer<(int Version, string RowKey)>.Create(
        (a, b) => a.Version != b.Version ? a.Version.CompareTo(b.Version) : string.CompareOrdinal(a.RowKey, b.RowKey));

    /// <summary>Deletes the row if it is still at <paramref name="etag"/> (<see cref="ETag.All"/>: whatever it holds); a row already gone or changed since is left be.</summary>
    private static async Task DeleteIfUnchangedAsync(TableClient table, string partitionKey, string rowKey, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, etag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.PreconditionFailed)
        {
            // Already gone, or changed since it was read: not ours to delete.
        }
    }

    private static FeedEntry FromEntity(TableEntity entity) => new()
    {
        Id = entity.GetString("Id"),
        Url = new Uri(entity.GetString("Url")),
        Headline = entity.GetString("Headline"),
        Summary = entity.GetString("Summary"),
        Byline = entity.GetString("Byline"),
        Created = entity.GetDateTimeOffset("Created") ?? DateTimeOffset.MinValue,
        Updated = entity.GetDateTimeOffset("Updated") ?? DateTimeOffset.MinValue,
        Sectors = entity.GetString("Sectors") is { Length: > 0 } sectors ? sectors.Split(',') : [],
        Section = SectionOf(entity),
        ContentHtml = entity.GetString("ContentHtml"),
        Images = ImagesOf(entity),
        Language = entity.GetString("Language"),
        Correction = entity.GetString("Correction"),
    };

    private static SectionType SectionOf(TableEntity entity) =>
        Enum.TryParse<SectionType>(entity.GetString("Section"), out var section) ? section : SectionType.News;

    private static List<ArticleImage> ImagesOf(TableEntity entity) =>
        entity.GetString("Images") is { Length: > 0 } images ? JsonSerializer.Deserialize<List<ArticleImage>>(images, ImageJson) ?? [] : [];

    private static readonly JsonSerializerOptions ImageJson = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// The touched times of the queue's record, kept small: per scope, runs of UTC minute numbers
/// (<c>all=29412000-29412003,29412100;edition-india=29412001</c>). Over 30,000 characters (a
/// backlog scattered over months), runs closer than an hour are merged, then closer than a day,
/// then each scope becomes one run: more archive pages are looked at, none is missed.
/// </summary>
internal static class TouchedTimeCodec
{
    private const int MaxChars = 30_000;

    public static string Encode(Dictionary<string, List<(long First, long Last)>> minutes)
    {
        var text = "";
        foreach (var gap in new[] { 1L, 60, 24 * 60, long.MaxValue })
        {
            text = Write(minutes, gap);
            if (text.Length <= MaxChars)
            {
                break;
            }
        }

        return text;
    }

    public static void Decode(string? text, Dictionary<string, List<(long First, long Last)>> into)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (var scopeRuns in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = scopeRuns.IndexOf('=', StringComparison.Ordinal);
            if (!into.TryGetValue(scopeRuns[..equals], out var runs))
            {
                into[scopeRuns[..equals]] = runs = [];
            }

            foreach (var run in scopeRuns[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var dash = run.IndexOf('-', StringComparison.Ordinal);
                var first = long.Parse(dash < 0 ? run : run[..dash], CultureInfo.InvariantCulture);
                runs.Add((first, dash < 0 ? first : long.Parse(run[(dash + 1)..], CultureInfo.InvariantCulture)));
            }
        }
    }

    /// <summary>The minutes as spans of public dates per scope.</summary>
    public static Dictionary<string, IReadOnlyList<TouchedSpan>> Ranges(Dictionary<string, List<(long First, long Last)>> minutes) =>
        minutes.ToDictionary(
            m => m.Key,
            m => (IReadOnlyList<TouchedSpan>)[.. Merge(m.Value, 1).Select(r => new TouchedSpan(
                new DateTimeOffset(r.First * TimeSpan.TicksPerMinute, TimeSpan.Zero),
                new DateTimeOffset((r.Last + 1) * TimeSpan.TicksPerMinute, TimeSpan.Zero)))],
            StringComparer.Ordinal);

    private static string Write(Dictionary<string, List<(long First, long Last)>> minutes, long gap)
    {
        var text = new StringBuilder();
        foreach (var (scope, list) in minutes.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var runs = Merge(list, gap);
            if (runs.Count == 0)
            {
                continue;
            }

            text.Append(text.Length > 0 ? ";" : "").Append(scope).Append('=');
            text.AppendJoin(',', runs.Select(r => r.First == r.Last
                ? r.First.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{r.First}-{r.Last}")));
        }

        return text.ToString();
    }

    /// <summary>The runs sorted and joined where they overlap or the gap to the next is at most <paramref name="gap"/> minutes.</summary>
    private static List<(long First, long Last)> Merge(List<(long First, long Last)> runs, long gap)
    {
        var merged = new List<(long First, long Last)>();
        foreach (var run in runs.OrderBy(r => r.First))
        {
            if (merged.Count > 0 && run.First - merged[^1].Last <= gap)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, run.Last));
            }
            else
            {
                merged.Add(run);
            }
        }

        return merged;
    }
}
