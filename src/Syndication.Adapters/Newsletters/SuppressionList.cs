using Azure;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;
using Syndication.Core.Newsletters;

namespace Syndication.Adapters.Newsletters;

/// <summary>
/// Addresses never to mail again, keyed by the HMAC subscriber id (never the address): deleting a
/// subscriber or signing up again does not remove an entry, because the same address always
/// gives the same id. Partitioned by the id's first two hex digits to spread the load.
/// </summary>
public sealed class SuppressionList(StorageAccount account)
{
    private TableClient Table => account.Table(StorageNames.SuppressionsTable);

    public async Task<bool> IsSuppressedAsync(string subscriberId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(Partition(subscriberId), subscriberId, select: ["Reason"], cancellationToken: cancellationToken);
        return row.HasValue;
    }

    /// <summary>Adds the id; an id already listed keeps its first reason and time. Returns true when it was new.</summary>
    public async Task<bool> AddAsync(string subscriberId, SuppressionReason reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            await Table.AddEntityAsync(new TableEntity(Partition(subscriberId), subscriberId) { ["Reason"] = reason.ToString(), ["At"] = at }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    private static string Partition(string subscriberId) => subscriberId.Length >= 2 ? subscriberId[..2] : subscriberId;
}
