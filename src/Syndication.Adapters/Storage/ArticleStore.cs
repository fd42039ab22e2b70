using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;

namespace Syndication.Adapters.Storage;

/// <summary>An article as stored, with the ETag that guards the next write.</summary>
public sealed record StoredArticle(Article Article, ETag ETag);

/// <summary>
/// The article store: one canonical JSON blob per article (<c>articles/{id}.json</c>) and a Table
/// index that lists articles newest first per scope (all, each edition, sector and section).
/// </summary>
public sealed class ArticleStore(StorageAccount account)
{
    public const string AllScope = "all";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string EditionScope(string edition) => "edition-" + edition;

    public static string SectorScope(string sector) => "sector-" + sector;

    public static string SectionScope(SectionType section) => "section-" + section.ToString().ToLowerInvariant();

    /// <summary>Every index partition an article belongs to.</summary>
    public static IEnumerable<string> ScopesOf(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        yield return AllScope;
        foreach (var edition in article.Editions)
        {
            yield return EditionScope(edition);
        }

        foreach (var sector in article.Sectors)
        {
            yield return SectorScope(sector);
        }

        yield return SectionScope(article.Section);
    }

    public async Task<StoredArticle?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var blob = account.Container(StorageNames.ArticlesContainer).GetBlobClient(BlobName(id));
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            var article = content.Value.Content.ToObjectFromJson<Article>(Json)
                ?? throw new InvalidDataException($"Article blob {blob.Name} is empty.");
            return new StoredArticle(article, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the article blob. A new article must not exist yet; an update must match the ETag it
    /// was read with. Either way a concurrent writer makes this throw <see cref="ArticleConflictException"/>.
    /// </summary>
    public async Task<ETag> SaveAsync(Article article, ETag? readWith, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        var blob = account.Container(StorageNames.ArticlesContainer).GetBlobClient(BlobName(article.Id));
        var conditions = readWith is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            var response = await blob.UploadAsync(
                BinaryData.FromObjectAsJson(article, Json),
                new BlobUploadOptions
                {
                    Conditions = conditions,
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
                },
                cancellationToken);
            return response.Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            throw new ArticleConflictException(article.Id, ex);
        }
    }

    /// <summary>
    /// Brings the index in line with the article: a row in every scope it belongs to, none in scopes
    /// it left (<paramref name="previous"/>), none at all once withdrawn.
    /// </summary>
    public async Task IndexAsync(Article article, Article? previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        var table = account.Table(StorageNames.ArticleIndexTable);
        var current = article.Status == PublicationStatus.Usable ? ScopesOf(article).ToHashSet() : [];
        var work = new List<Task>();
        foreach (var scope in current)
        {
            work.Add(table.UpsertEntityAsync(ToEntity(scope, article), TableUpdateMode.Replace, cancellationToken));
        }

        if (previous is not null)
        {
            var rowKey = RowKey(previous);
            foreach (var scope in ScopesOf(previous).Where(s => !current.Contains(s) || RowKey(article) != rowKey))
            {
                work.Add(table.DeleteEntityAsync(scope, rowKey, ETag.All, cancellationToken));
            }
        }

        await Task.WhenAll(work);
    }

    /// <summary>The newest <paramref name="max"/> articles of a scope, newest first: one query.</summary>
    public async Task<IReadOnlyList<FeedEntry>> NewestAsync(string scope, int max, CancellationToken cancellationToken)
    {
        var table = account.Table(StorageNames.ArticleIndexTable);
        var entries = new List<FeedEntry>(max);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scope}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken).AsPages())
        {
            foreach (var entity in page.Values)
            {
                entries.Add(FromEntity(entity));
                if (entries.Count == max)
                {
                    return entries;
                }
            }
        }

        return entries;
    }

    private static string BlobName(string id) => id + ".json";

    /// <summary>Newest first: reverse ticks of the creation instant, then the id to break ties.</summary>
    private static string RowKey(Article article) =>
        (DateTimeOffset.MaxValue.UtcTicks - article.Created.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "_" + article.Id;

    private static TableEntity ToEntity(string scope, Article article) => new(scope, RowKey(article))
    {
        ["Id"] = article.Id,
        ["Url"] = article.Url.AbsoluteUri,
        ["Headline"] = article.Headline,
        ["Summary"] = article.Summary,
        ["Byline"] = article.Byline,
        ["Created"] = article.Created,
        ["Updated"] = article.Updated,
        ["Sectors"] = string.Join(',', article.Sectors),
        ["Section"] = article.Section.ToString(),
    };

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
        Section = Enum.TryParse<SectionType>(entity.GetString("Section"), out var section) ? section : SectionType.News,
    };
}

/// <summary>Another writer changed the article between our read and our write.</summary>
public sealed class ArticleConflictException : Exception
{
    public ArticleConflictException(string articleId, Exception inner)
        : base($"Article {articleId} was written by someone else at the same time.", inner) => ArticleId = articleId;

    public ArticleConflictException()
    {
        ArticleId = "";
    }

    public ArticleConflictException(string message)
        : base(message) => ArticleId = "";

    public string ArticleId { get; }
}
