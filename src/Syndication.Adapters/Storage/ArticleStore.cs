using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Syndication.Core.Articles;

namespace Syndication.Adapters.Storage;

/// <summary>An article as stored, with the version that guards the next write.</summary>
public sealed record StoredArticle(Article Article, StoredVersion Version);

/// <summary>
/// The version of a stored article that a write is conditioned on (its blob's ETag), opaque outside
/// the adapters: two are equal when they name the same version.
/// </summary>
public readonly record struct StoredVersion
{
    internal StoredVersion(ETag etag) => ETag = etag;

    internal ETag ETag { get; }
}

/// <summary>
/// The article store: one canonical JSON blob per article (<c>articles/{id}.json</c>), and a record
/// of each change for the index to catch up from.
/// </summary>
public sealed class ArticleStore(StorageAccount account)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<StoredArticle?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var blob = account.Container(StorageNames.ArticlesContainer).GetBlobClient(BlobName(id));
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            var article = content.Value.Content.ToObjectFromJson<Article>(Json)
                ?? throw new InvalidDataException($"Article blob {blob.Name} is empty.");
            return new StoredArticle(article, new StoredVersion(content.Value.Details.ETag));
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
    public async Task<StoredVersion> SaveAsync(Article article, StoredVersion? readWith, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        var blob = account.Container(StorageNames.ArticlesContainer).GetBlobClient(BlobName(article.Id));
        var conditions = readWith is { } version ? new BlobRequestConditions { IfMatch = version.ETag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
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
            return new StoredVersion(response.Value.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            throw new ArticleConflictException(article.Id, ex);
        }
    }

    /// <summary>
    /// Records that the article changed, in one write: the index and the feeds catch up from these
    /// records (<see cref="ArticleIndex"/>), so ingesting stays cheap however many scopes an article is in.
    /// </summary>
    /// <remarks>
    /// A version that is not public (a kill, an embargo) costs one more write, and so does the first
    /// public version after one: the record newsletters check their stories against before each
    /// batch (<see cref="ArticleIndex.WithdrawnAmongAsync"/>), so a kill reaches a send in progress
    /// before any feed build has run.
    /// </remarks>
    public async Task RecordChangeAsync(Article article, Article? previous, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changes = account.Table(StorageNames.ArticleChangesTable);
        if (ArticleIndex.WithdrawnChange(article, previous, at) is { } withdrawn)
        {
            if (withdrawn.Upsert)
            {
                await changes.UpsertEntityAsync(withdrawn.Row, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                try
                {
                    await changes.DeleteEntityAsync(withdrawn.Row.PartitionKey, withdrawn.Row.RowKey, Azure.ETag.All, cancellationToken);
                }
                catch (Azure.RequestFailedException ex) when (ex.Status == 404)
                {
                    // Never written (an embargo that had lifted before it was ingested).
                }
            }
        }

        await changes.UpsertEntityAsync(ArticleIndex.ChangeEntity(article, previous, at), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Records many articles as new in transactions of up to 100 rows of one partition of the change queue: for
    /// bulk loads, rebuilding the index and scale runs, where one write per article would dominate. The article blobs are
    /// not written; the index and the feeds need only these records.
    /// </summary>
    /// <returns>Transactions submitted.</returns>
    public async Task<int> RecordNewAsync(IEnumerable<Article> articles, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(articles);
        var table = account.Table(StorageNames.ArticleChangesTable);
        var transactions = 0;
        foreach (var partition in articles.Select(a => ArticleIndex.ChangeEntity(a, null, at)).GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var batch in ArticleIndex.Batches(partition.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e))))
            {
                await table.SubmitTransactionAsync(batch, cancellationToken);
                transactions++;
            }
        }

        return transactions;
    }

    /// <summary>
    /// Every stored article, a page of blob names at a time, each page read <paramref name="readsInFlight"/>
    /// at a time: for rebuilding the index from the articles themselves. Memory holds a page.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<Article>> ListAsync(int readsInFlight, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var container = account.Container(StorageNames.ArticlesContainer);
        await foreach (var page in container.GetBlobsAsync(cancellationToken: cancellationToken).AsPages(pageSizeHint: ListPage))
        {
            var articles = new Article?[page.Values.Count];
            await Parallel.ForEachAsync(
                page.Values.Select((blob, i) => (blob.Name, i)),
                new ParallelOptions { MaxDegreeOfParallelism = readsInFlight, CancellationToken = cancellationToken },
                async (item, ct) =>
                {
                    var content = await container.GetBlobClient(item.Name).DownloadContentAsync(ct);
                    articles[item.i] = content.Value.Content.ToObjectFromJson<Article>(Json);
                });
            yield return [.. articles.OfType<Article>()];
        }
    }

    private const int ListPage = 1_000;

    private static string BlobName(string id) => id + ".json";
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
