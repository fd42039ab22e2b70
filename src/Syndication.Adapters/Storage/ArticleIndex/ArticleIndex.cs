// ArticleIndex: the type's doc, the table layout (queue and index partitions, row keys), and the row helpers every part shares.
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;

namespace Syndication.Adapters.Storage;

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
public sealed partial class ArticleIndex(StorageAccount account, TimeProvider clock)
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
