using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Syndication.Core.Status;

namespace Syndication.Adapters.Storage;

/// <summary>
/// The status page, <c>status/index.html</c> (<see cref="StatusPageWriter.FileName"/>) in the private container: written whole by the status
/// stage, read with a sign-in or a short-lived read-only link (<see cref="ReadLinkAsync"/>), never anonymously.
/// </summary>
public sealed class StatusPageBlob(StorageAccount account)
{
    private BlobClient Blob => account.Container(StorageNames.StatusContainer).GetBlobClient(StatusPageWriter.FileName);

    /// <summary>Where the page is (private: an anonymous read is refused).</summary>
    public Uri Uri => Blob.Uri;

    /// <summary>Replaces the page: one request; never cached, it is about now.</summary>
    public async Task WriteAsync(string html, string contentType, CancellationToken cancellationToken) =>
        await Blob.UploadAsync(
            BinaryData.FromString(html),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = "no-store" } },
            cancellationToken);

    /// <summary>
    /// A link that reads the page for <paramref name="validFor"/>, for a browser without a sign-in:
    /// a service SAS where the account key is at hand (Azurite, a connection string), else a
    /// user-delegation SAS signed with the caller's own sign-in (which needs a data role on the account).
    /// </summary>
    public async Task<Uri> ReadLinkAsync(TimeSpan validFor, CancellationToken cancellationToken)
    {
        var blob = Blob;

        // SAS times are checked by the storage service against its own clock: the real one, never a test's.
        var expires = DateTimeOffset.UtcNow + validFor;
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(BlobSasPermissions.Read, expires);
        }

        var key = await account.Blobs.GetUserDelegationKeyAsync(DateTimeOffset.UtcNow.AddMinutes(-5), expires, cancellationToken);
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expires)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
        };
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, account.Blobs.AccountName) }.ToUri();
    }
}
