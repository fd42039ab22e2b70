using Azure.Storage.Blobs.Models;
using Syndication.Core.Trending;

namespace Syndication.Adapters.Storage;

/// <summary>A stored trending file as read: <see cref="Document"/> is null when the file is not a <see cref="TrendingDocument"/> (hand-edited, truncated).</summary>
public sealed record StoredTrending(string Path, TrendingDocument? Document);

/// <summary>
/// Each edition's trending box, <c>trending/{edition}.json</c> in the public feeds container: the
/// one place it is written (only when its bytes change, through <see cref="FeedPublisher"/>) and
/// read (by the trending stage for hysteresis, the feed build to take withdrawn stories out, the
/// newsletter and the status page), always as <see cref="TrendingDocument"/>.
/// </summary>
public sealed class TrendingDocumentStore(StorageAccount account, FeedPublisher publisher)
{
    private const string Folder = "trending/";

    /// <summary>An edition's document (one read); null when none is published.</summary>
    public async Task<StoredTrending?> ReadAsync(string edition, CancellationToken cancellationToken)
    {
        var path = TrendingDocument.PathOf(edition);
        return await publisher.ReadAsync(path, cancellationToken) is { } content ? Read(path, content) : null;
    }

    /// <summary>Every edition's document, whatever the catalog says: one listing, then one read each.</summary>
    public async Task<IReadOnlyList<StoredTrending>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var stored = new List<StoredTrending>();
        await foreach (var item in account.Feeds.GetBlobsAsync(new GetBlobsOptions { Prefix = Folder }, cancellationToken))
        {
            // trending/{edition}.json; the edition's feeds live beside them in trending/{edition}/.
            var name = item.Name[Folder.Length..];
            if (name.Contains('/', StringComparison.Ordinal) || !name.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            if (await publisher.ReadAsync(item.Name, cancellationToken) is { } content)
            {
                stored.Add(Read(item.Name, content));
            }
        }

        return stored;
    }

    /// <summary>Writes the document unless the stored one has the same bytes; true when it wrote.</summary>
    public Task<bool> PublishAsync(TrendingDocument document, string cacheControl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        return publisher.PublishAsync(TrendingDocument.PathOf(document.Edition), document.ToUtf8Json(), TrendingDocument.ContentType, cacheControl, cancellationToken);
    }

    private static StoredTrending Read(string path, BinaryData content) => new(path, TrendingDocument.Parse(content.ToMemory().Span));
}
