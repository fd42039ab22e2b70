using System.Net;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;

namespace Syndication.Adapters.Storage;

/// <summary>
/// Writes feed files into the public <c>feeds/</c> container only when their bytes change, so a
/// reader's conditional GET keeps getting 304 until there is really something new.
/// </summary>
public sealed class FeedPublisher(StorageAccount account)
{
    /// <summary>Uploads <paramref name="content"/> unless the blob already holds these bytes. True when it wrote.</summary>
    public async Task<bool> PublishAsync(string path, ReadOnlyMemory<byte> content, string contentType, string cacheControl, CancellationToken cancellationToken)
    {
        var blob = account.Feeds.GetBlobClient(path);
#pragma warning disable CA5351 // Content-MD5 is the blob service's own change marker, not a security measure.
        var md5 = MD5.HashData(content.Span);
#pragma warning restore CA5351
        BlobRequestConditions conditions;
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            if (properties.Value.ContentHash is { } stored && stored.AsSpan().SequenceEqual(md5)
                && properties.Value.ContentType == contentType && properties.Value.CacheControl == cacheControl)
            {
                return false;
            }

            conditions = new BlobRequestConditions { IfMatch = properties.Value.ETag };
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        }

        await blob.UploadAsync(
            BinaryData.FromBytes(content),
            new BlobUploadOptions
            {
                Conditions = conditions,
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = cacheControl, ContentHash = md5 },
            },
            cancellationToken);
        return true;
    }

    /// <summary>A published file's bytes, or null when there is none yet.</summary>
    public async Task<BinaryData?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await account.Feeds.GetBlobClient(path).DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Removes a published file, if it is there.</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        await account.Feeds.GetBlobClient(path).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    /// <summary>The URL of a feed in the storage account itself (used when no public base URL is configured).</summary>
    public Uri StorageUrl(string path) => account.Feeds.GetBlobClient(path).Uri;
}
