using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;

namespace Syndication.Adapters.Newsletters;

/// <summary>
/// Fixed-window counters in a table: a key (an address's id, a client's hashed IP) may act
/// <c>limit</c> times per window. Counts are updated with ETags, so two requests at once cannot
/// both take the last slot. Each row carries when its window ends (<c>Expires</c>), and
/// <see cref="PurgeExpiredAsync"/> deletes the rows past it: Table storage has no time to live.
/// </summary>
public sealed class RateLimiter(StorageAccount account)
{
    private long _purgedHour = -1;

    private TableClient Table => account.Table(StorageNames.RateLimitsTable);

    /// <summary>
    /// Deletes the rows whose window has ended, at most once per hour and process (later calls in
    /// the same hour return 0 at once), so the table holds about one window of sign-ups.
    /// </summary>
    /// <returns>How many rows were deleted.</returns>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hour = now.UtcTicks / TimeSpan.TicksPerHour;
        if (Interlocked.Exchange(ref _purgedHour, hour) == hour)
        {
            return 0;
        }

        var deleted = 0;
        var expired = Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Expires le {now}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken);
        await foreach (var row in expired)
        {
            try
            {
                await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                deleted++;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Another instance purged it first.
            }
        }

        return deleted;
    }

    /// <summary>Counts one more use of <paramref name="key"/>; false when the window's limit is already reached.</summary>
    public async Task<bool> TryAcquireAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windowStart = now.UtcTicks / window.Ticks;
        var row = windowStart.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await Table.GetEntityIfExistsAsync<TableEntity>(key, row, cancellationToken: cancellationToken);
            try
            {
                if (!existing.HasValue)
                {
                    await Table.AddEntityAsync(new TableEntity(key, row) { ["Count"] = 1, ["Expires"] = new DateTimeOffset((windowStart + 1) * window.Ticks, TimeSpan.Zero) }, cancellationToken);
                    return true;
                }

                var entity = existing.Value!;
                var count = entity.GetInt32("Count") ?? 0;
                if (count >= limit)
                {
                    return false;
                }

                entity["Count"] = count + 1;
                await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else counted at the same moment: read again.
            }
        }

        return false;
    }
}
