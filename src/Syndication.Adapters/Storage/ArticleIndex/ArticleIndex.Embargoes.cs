// ArticleIndex, stories out of public view: the withdrawn rows newsletters check, and the stories an embargo holds.
using Azure.Data.Tables;
using Syndication.Core.Articles;

namespace Syndication.Adapters.Storage;

public sealed partial class ArticleIndex
{
    /// <summary>
    /// The withdrawn row (<see cref="WithdrawnPartition"/>) an ingested version needs, as
    /// <see cref="NewsroomRules.WithdrawalOf"/> decides: upsert it, or delete it; null: nothing to do.
    /// </summary>
    internal static (TableEntity Row, bool Upsert)? WithdrawnChange(Article article, Article? previous, DateTimeOffset at)
    {
        var withdrawal = NewsroomRules.WithdrawalOf(article, previous, at);
        return withdrawal.Change switch
        {
            WithdrawalChange.Record => (new TableEntity(WithdrawnPartition, article.Id) { ["Until"] = withdrawal.LiftsAt, ["Version"] = article.Version }, true),
            WithdrawalChange.Clear => (new TableEntity(WithdrawnPartition, article.Id), false),
            _ => null,
        };
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
                if (NewsroomRules.IsStillWithdrawn(row.GetDateTimeOffset("Until"), at))
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
}
