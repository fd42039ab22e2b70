using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;

namespace Syndication.Adapters.Storage;

/// <summary>
/// A file dropped into <c>incoming/</c>, read once, with the ETag it was read at. A file over the
/// size cap is not read: its <see cref="Content"/> is empty and <see cref="Length"/> says how large it is.
/// </summary>
public sealed record DroppedFile(string Name, BinaryData Content, ETag ETag, long Length)
{
    public bool WasRead => Content.ToMemory().Length == Length;
}

/// <summary>Why a file was rejected: what <c>rejected/{name}.error.json</c> says.</summary>
public sealed record Rejection(string File, string Stage, string Reason, long? Line, long? Column, DateTimeOffset RejectedAt, long Bytes);

/// <summary>
/// The drop zone: files arrive in <c>incoming/</c> and leave it only once their original bytes are
/// safe in <c>archive/</c> (ingested) or <c>rejected/</c> (with a reason). Nothing is lost.
/// </summary>
public sealed class DropZone(StorageAccount account, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<DroppedFile?> ReadAsync(string name, long maxBytes, CancellationToken cancellationToken)
    {
        var blob = account.Container(StorageNames.IncomingContainer).GetBlobClient(name);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            if (properties.Value.ContentLength > maxBytes)
            {
                return new DroppedFile(name, BinaryData.Empty, properties.Value.ETag, properties.Value.ContentLength);
            }

            var content = await blob.DownloadContentAsync(
                new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.Value.ETag } },
                cancellationToken);
            return new DroppedFile(name, content.Value.Content, content.Value.Details.ETag, content.Value.Details.ContentLength);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Puts a file into <c>incoming/</c>, replacing one of the same name.</summary>
    public async Task<DroppedFile> DropAsync(string name, BinaryData content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await account.EnsureLayoutAsync(cancellationToken);
        var response = await account.Container(StorageNames.IncomingContainer).GetBlobClient(name)
            .UploadAsync(content, overwrite: true, cancellationToken);
        return new DroppedFile(name, content, response.Value.ETag, content.ToMemory().Length);
    }

    /// <summary>Names of the files waiting in <c>incoming/</c>, oldest listing order.</summary>
    public async IAsyncEnumerable<string> PendingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in account.Container(StorageNames.IncomingContainer).GetBlobsAsync(cancellationToken: cancellationToken))
        {
            yield return item.Name;
        }
    }

    /// <summary>Keeps the original under <c>archive/{yyyy}/{MM}/{dd}/</c> and clears it from the drop zone.</summary>
    public async Task ArchiveAsync(DroppedFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var day = clock.GetUtcNow().ToString("yyyy/MM/dd", CultureInfo.InvariantCulture);
        await account.Container(StorageNames.ArchiveContainer).GetBlobClient($"{day}/{file.Name}")
            .UploadAsync(file.Content, overwrite: true, cancellationToken);
        await RemoveAsync(file, cancellationToken);
    }

    /// <summary>
    /// Keeps the original bytes in <c>rejected/{name}</c> with <c>rejected/{name}.error.json</c>
    /// beside it, then clears it from the drop zone.
    /// </summary>
    public async Task RejectAsync(DroppedFile file, Rejection rejection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var rejected = account.Container(StorageNames.RejectedContainer);
        if (file.WasRead)
        {
            await rejected.GetBlobClient(file.Name).UploadAsync(file.Content, overwrite: true, cancellationToken);
        }
        else
        {
            // Too large to read: copied inside the account instead of through memory.
            var source = account.Container(StorageNames.IncomingContainer).GetBlobClient(file.Name);
            var copy = await rejected.GetBlobClient(file.Name).StartCopyFromUriAsync(source.Uri, cancellationToken: cancellationToken);
            await copy.WaitForCompletionAsync(cancellationToken);
        }

        await rejected.GetBlobClient(file.Name + ".error.json").UploadAsync(
            BinaryData.FromObjectAsJson(rejection, Json),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" } },
            cancellationToken);
        await RemoveAsync(file, cancellationToken);
    }

    /// <summary>Deletes the drop only if it is still the version we read: a newer drop of the same name stays for the next pass.</summary>
    private async Task RemoveAsync(DroppedFile file, CancellationToken cancellationToken)
    {
        try
        {
            await account.Container(StorageNames.IncomingContainer).GetBlobClient(file.Name)
                .DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = file.ETag }, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            // Replaced while we worked: the new version is processed on its own.
        }
    }
}
