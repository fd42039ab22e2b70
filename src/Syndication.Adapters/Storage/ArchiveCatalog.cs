using Azure.Data.Tables;

namespace Syndication.Adapters.Storage;

/// <summary>
/// One completed archive page of a scope: the index rows from <paramref name="Newest"/> (included)
/// to <paramref name="OlderBound"/> (excluded; <see cref="ArchiveCatalog.Oldest"/> for page 1).
/// </summary>
/// <param name="Number">1 for the oldest page, counting up.</param>
public sealed record ArchivePage(int Number, string Newest, string OlderBound);

/// <summary>
/// Where each scope's completed archive pages begin and end (RFC 5005 archived feeds), in the
/// index table beside the rows they page (partition <c>~archive|{scope}</c>, after every scope's).
/// Pages are ranges of index row keys, so the page that holds an article follows from its row key
/// with one query, and the row key of a page's catalog entry is its older bound: ascending order is
/// newest page first, and the newest page is one row.
/// </summary>
public sealed class ArchiveCatalog(StorageAccount account)
{
    /// <summary>The older bound of page 1: after every row key.</summary>
    public const string Oldest = "~";

    private static string Partition(string scope) => "~archive|" + scope;

    /// <summary>The newest completed page of a scope, or null when none is complete yet. One request.</summary>
    public async Task<ArchivePage?> NewestAsync(string scope, CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        await foreach (var page in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(scope)}"), maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
        {
            return page.Values.Count == 0 ? null : Page(page.Values[0]);
        }

        return null;
    }

    /// <summary>The completed pages that hold any row key from <paramref name="from"/> (included) to <paramref name="before"/> (excluded), newest first.</summary>
    public async Task<IReadOnlyList<ArchivePage>> OverlappingAsync(string scope, string from, string before, CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        var pages = new List<ArchivePage>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(scope)} and RowKey gt {from}"), maxPerPage: 100, cancellationToken: cancellationToken))
        {
            var page = Page(row);
            if (string.CompareOrdinal(page.Newest, before) >= 0)
            {
                break;
            }

            pages.Add(page);
        }

        return pages;
    }

    /// <summary>Every completed page of a scope, newest first (for <c>feeds --all</c>).</summary>
    public async Task<IReadOnlyList<ArchivePage>> AllAsync(string scope, CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        var pages = new List<ArchivePage>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(scope)}"), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            pages.Add(Page(row));
        }

        return pages;
    }

    /// <summary>Records newly completed pages, a transaction per 100. Written after their documents, so a crash in between only writes them again.</summary>
    public async Task AddAsync(string scope, IReadOnlyList<ArchivePage> pages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pages);
        var table = account.Table(StorageNames.ArticleIndexTable);
        foreach (var batch in pages.Chunk(100))
        {
            await table.SubmitTransactionAsync(
                batch.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(Partition(scope), p.OlderBound)
                {
                    ["Number"] = p.Number,
                    ["Newest"] = p.Newest,
                })),
                cancellationToken);
        }
    }

    private static ArchivePage Page(TableEntity row) => new(row.GetInt32("Number") ?? 0, row.GetString("Newest") ?? "", row.RowKey);
}
