// ArticleIndex, the alerts-due rows: breaking stories at first publication, until their alerts are sent.
using Azure;
using Azure.Data.Tables;

namespace Syndication.Adapters.Storage;

public sealed partial class ArticleIndex
{
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
}
