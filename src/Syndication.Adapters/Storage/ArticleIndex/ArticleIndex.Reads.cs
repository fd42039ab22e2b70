// ArticleIndex, reading the index: newest per scope, recent articles for trending, entries by key, archive ranges, news sitemap.
using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;
using Syndication.Core.Sitemaps;

namespace Syndication.Adapters.Storage;

public sealed partial class ArticleIndex
{
    /// <summary>
    /// The newest <paramref name="max"/> articles of a scope, newest first, one per story cluster
    /// (the newest telling of a story stands for it): usually one query of twice as many rows. Where
    /// many tellings of few stories fill that (wire copy sent again and again, a flood of near
    /// duplicates), the rest is read <see cref="CatchUpPage"/> rows a request, so such a scope costs
    /// a request per 1,000 tellings skipped, not per 100.
    /// </summary>
    public async Task<IReadOnlyList<FeedEntry>> NewestAsync(string scope, int max, CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        var entries = new List<FeedEntry>(max);
        var stories = new OneTellingPerStory();
        var pageSize = Math.Min(max * 2, CatchUpPage);
        string? continuation = null;
        do
        {
            Azure.Page<TableEntity>? page = null;
            await foreach (var first in table.QueryAsync<TableEntity>(ScopeFilter(scope), maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages(continuation, pageSize))
            {
                page = first;
                break;
            }

            foreach (var entity in page?.Values ?? [])
            {
                if (!stories.Admits(entity.GetString("Id"), entity.GetString("ClusterId")))
                {
                    continue;
                }

                entries.Add(FromEntity(entity));
                if (entries.Count == max)
                {
                    return entries;
                }
            }

            continuation = page?.ContinuationToken;
            pageSize = CatchUpPage;
        }
        while (continuation is not null);

        return entries;
    }

    /// <summary>The most rows a table query returns in one response.</summary>
    private const int CatchUpPage = 1000;

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

    private static readonly string[] RecentFieldNames = ["RowKey", "Id", "Url", "Headline", "Created", "ClusterId", "SourceKey", "Slug", "Section", "Images"];
}
