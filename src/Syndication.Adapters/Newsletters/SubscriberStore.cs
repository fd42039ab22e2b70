using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;
using Syndication.Core.Newsletters;

namespace Syndication.Adapters.Newsletters;

/// <summary>
/// Subscribers in the <c>Subscribers</c> table, each in two rows: one in a partition of their
/// edition (<c>ed-india-7</c>), which a send lists sorted by id, and one in an <c>id</c> partition
/// (<c>id-7</c>), which a link's token finds with one read. Both are split into 16 partitions by
/// the id's first hex digit (<see cref="Buckets"/>), so no partition grows with the whole list
/// (a partition takes about 2,000 writes a second, and Azurite's writes slow down with the size
/// of the partition), and listing the buckets in order still yields the edition sorted by id. The
/// edition row is written first, because that is the one a send reads. Every opt-out or change
/// also appends a row to the <c>changes</c> partition, which a running send reads before each
/// batch, so that someone who unsubscribes while an issue goes out gets nothing more.
/// </summary>
public sealed class SubscriberStore(StorageAccount account)
{
    private const string ChangesPartition = "changes";

    /// <summary>The first hex digits of subscriber ids, in order: one partition each per edition, and for the id rows.</summary>
    public static readonly IReadOnlyList<char> Buckets = "0123456789abcdef".ToCharArray();

    private TableClient Table => account.Table(StorageNames.SubscribersTable);

    public static string EditionPartition(string edition, string id) => $"ed-{edition}-{Bucket(id)}";

    public static string IdPartition(string id) => $"id-{Bucket(id)}";

    /// <summary>The bucket of an id: its first hex digit (ids are lower-case hex; anything else goes to '0').</summary>
    public static char Bucket(string id) => id.Length > 0 && char.IsAsciiHexDigitLower(id[0]) ? id[0] : '0';

    public async Task<Subscriber?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(IdPartition(id), id, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Writes both rows (and removes the row of a previous edition); records the change for running sends.</summary>
    public async Task SaveAsync(Subscriber subscriber, string? previousEdition, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        await Table.UpsertEntityAsync(ToEntity(subscriber, EditionPartition(subscriber.Edition, subscriber.Id)), TableUpdateMode.Replace, cancellationToken);
        if (previousEdition is not null && !string.Equals(previousEdition, subscriber.Edition, StringComparison.Ordinal))
        {
            await DeleteIfExistsAsync(EditionPartition(previousEdition, subscriber.Id), subscriber.Id, cancellationToken);
        }

        await Table.UpsertEntityAsync(ToEntity(subscriber, IdPartition(subscriber.Id)), TableUpdateMode.Replace, cancellationToken);
        await RecordChangeAsync(subscriber.Id, at, cancellationToken);
    }

    /// <summary>
    /// Imports subscribers over what was <paramref name="known"/> of them (their rows before, read by
    /// the caller; null for a new address): writes them as <see cref="ImportAsync(IReadOnlyList{Subscriber}, CancellationToken)"/>
    /// does, removes the row of an edition someone left, and records a change for whoever stops
    /// being mailable there, so that a send running now re-checks them before their batch.
    /// </summary>
    public async Task ImportAsync(IReadOnlyList<Subscriber> subscribers, IReadOnlyList<Subscriber?> known, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        ArgumentNullException.ThrowIfNull(known);
        await ImportAsync(subscribers, cancellationToken);
        for (var i = 0; i < subscribers.Count; i++)
        {
            if (known[i] is not { } before)
            {
                continue;
            }

            var after = subscribers[i];
            if (before.Edition != after.Edition)
            {
                await DeleteIfExistsAsync(EditionPartition(before.Edition, before.Id), before.Id, cancellationToken);
            }

            if (Subscriber.LeavesPlannedSends(before, after))
            {
                await RecordChangeAsync(after.Id, at, cancellationToken);
            }
        }
    }

    /// <summary>Imports many new subscribers: batched transactions of up to 100 rows per partition, the edition rows first.</summary>
    public async Task ImportAsync(IReadOnlyList<Subscriber> subscribers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        foreach (var partitionOf in new Func<Subscriber, string>[] { s => EditionPartition(s.Edition, s.Id), s => IdPartition(s.Id) })
        {
            foreach (var partition in subscribers.GroupBy(partitionOf, StringComparer.Ordinal))
            {
                foreach (var chunk in partition.Chunk(100))
                {
                    await Table.SubmitTransactionAsync(chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(s, partition.Key))), cancellationToken);
                }
            }
        }
    }

    /// <summary>Deletes both rows. A suppression of the address stays (it lives in its own table).</summary>
    public async Task DeleteAsync(Subscriber subscriber, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        await DeleteIfExistsAsync(EditionPartition(subscriber.Edition, subscriber.Id), subscriber.Id, cancellationToken);
        await DeleteIfExistsAsync(IdPartition(subscriber.Id), subscriber.Id, cancellationToken);
        await RecordChangeAsync(subscriber.Id, at, cancellationToken);
    }

    /// <summary>
    /// The mailable subscribers of an edition with <paramref name="cadence"/>, sorted by id, page by
    /// page as the table returns them, bucket after bucket: memory holds a page, not the list.
    /// </summary>
    public async IAsyncEnumerable<Subscriber> ListMailableAsync(string edition, NewsletterCadence cadence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var bucket in Buckets)
        {
            var partition = EditionPartition(edition, bucket.ToString());
            // Subscriber.IsMailable, asked of the table so that only mailable rows travel.
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and State eq {SubscriberState.Confirmed.ToString()} and Cadence eq {cadence.ToString()} and Suppressed eq false");
            await foreach (var entity in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                yield return FromEntity(entity);
            }
        }
    }

    /// <summary>
    /// The mailable subscribers of an edition who opted in to breaking-news alerts (whatever their
    /// digest's cadence), sorted by id, page by page, bucket after bucket.
    /// </summary>
    public async IAsyncEnumerable<Subscriber> ListAlertableAsync(string edition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var bucket in Buckets)
        {
            var partition = EditionPartition(edition, bucket.ToString());
            // Subscriber.IsAlertable, asked of the table.
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and State eq {SubscriberState.Confirmed.ToString()} and Alerts eq true and Suppressed eq false");
            await foreach (var entity in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                yield return FromEntity(entity);
            }
        }
    }

    /// <summary>Ids of subscribers changed (unsubscribed, suppressed, moved, deleted) at or after <paramref name="since"/>.</summary>
    public async Task<IReadOnlySet<string>> ChangedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var from = since.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ChangesPartition} and RowKey ge {from}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, select: ["Id"], cancellationToken: cancellationToken))
        {
            ids.Add(entity.GetString("Id"));
        }

        return ids;
    }

    /// <summary>Marks both rows of a subscriber as suppressed, if they exist.</summary>
    public async Task MarkSuppressedAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var subscriber = await GetAsync(id, cancellationToken);
        if (subscriber is { Suppressed: false })
        {
            await SaveAsync(subscriber with { Suppressed = true }, subscriber.Edition, at, cancellationToken);
        }
        else
        {
            await RecordChangeAsync(id, at, cancellationToken);
        }
    }

    private async Task RecordChangeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var row = new TableEntity(ChangesPartition, $"{at.UtcTicks:D19}_{id}") { ["Id"] = id };
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task DeleteIfExistsAsync(string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    private static TableEntity ToEntity(Subscriber s, string partition) => new(partition, s.Id)
    {
        ["Email"] = s.Email,
        ["Edition"] = s.Edition,
        ["Sectors"] = string.Join(',', s.Sectors),
        ["Cadence"] = s.Cadence.ToString(),
        ["State"] = s.State.ToString(),
        ["Suppressed"] = s.Suppressed,
        ["Alerts"] = s.Alerts,
        ["Name"] = s.Name,
        ["Created"] = s.Created,
        ["ConfirmedAt"] = s.ConfirmedAt,
        ["UnsubscribedAt"] = s.UnsubscribedAt,
    };

    private static Subscriber FromEntity(TableEntity e) => new()
    {
        Id = e.RowKey,
        Email = e.GetString("Email"),
        Edition = e.GetString("Edition"),
        Sectors = e.GetString("Sectors") is { Length: > 0 } sectors ? sectors.Split(',') : [],
        Cadence = Enum.TryParse<NewsletterCadence>(e.GetString("Cadence"), out var cadence) ? cadence : NewsletterCadence.Daily,
        State = Enum.TryParse<SubscriberState>(e.GetString("State"), out var state) ? state : SubscriberState.Pending,
        Suppressed = e.GetBoolean("Suppressed") ?? false,
        Alerts = e.GetBoolean("Alerts") ?? false,
        Name = e.GetString("Name"),
        Created = e.GetDateTimeOffset("Created") ?? DateTimeOffset.MinValue,
        ConfirmedAt = e.GetDateTimeOffset("ConfirmedAt"),
        UnsubscribedAt = e.GetDateTimeOffset("UnsubscribedAt"),
    };
}
