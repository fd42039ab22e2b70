using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Syndication.Core.Ingestion;

namespace Syndication.Adapters.Storage;

/// <summary>
/// A file to ingest, read once: from <c>incoming/</c> (<see cref="InIncoming"/>), or handed over
/// directly (the CLI's local files, an agency feed's document). A file over the size cap is not
/// read: its <see cref="Content"/> is empty and <see cref="Length"/> says how large it is.
/// </summary>
public sealed record DroppedFile(string Name, BinaryData Content, long Length)
{
    public bool WasRead => Content.ToMemory().Length == Length;

    /// <summary>The file was read from <c>incoming/</c>, where it stays until it is archived or rejected.</summary>
    public bool InIncoming => IncomingETag is not null;

    /// <summary>The version read from <c>incoming/</c>: only that version is removed from it.</summary>
    internal ETag? IncomingETag { get; init; }

    public static DroppedFile Local(string name, BinaryData content) =>
        new(name, content, (content ?? throw new ArgumentNullException(nameof(content))).ToMemory().Length);
}

/// <summary>Why a file was rejected: what <c>rejected/{name}.error.json</c> says.</summary>
public sealed record Rejection(string File, string Stage, string Reason, long? Line, long? Column, DateTimeOffset RejectedAt, long Bytes)
{
    /// <summary>The rejection a reader's or the normalizer's refusal describes, with its position.</summary>
    public static Rejection Of(RejectedInputException refusal, string file, string stage, DateTimeOffset at, long bytes)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new Rejection(file, stage, refusal.Message, refusal.Line, refusal.Column, at, bytes);
    }
}

/// <summary>
/// The drop zone: files arrive in <c>incoming/</c> and leave it only once their original bytes are
/// safe in <c>archive/</c> (ingested) or <c>rejected/</c> (with a reason). Nothing is lost.
/// </summary>
public sealed class DropZone(StorageAccount account, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Reads a drop in one request; a drop over <paramref name="maxBytes"/> is left unread.</summary>
    public async Task<DroppedFile?> ReadAsync(string name, long maxBytes, CancellationToken cancellationToken)
    {
        var blob = account.Container(StorageNames.IncomingContainer).GetBlobClient(name);
        try
        {
            using var download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            var length = download.Details.ContentLength;
            if (length > maxBytes)
            {
                return new DroppedFile(name, BinaryData.Empty, length) { IncomingETag = download.Details.ETag };
            }

            var content = await BinaryData.FromStreamAsync(download.Content, cancellationToken);
            return new DroppedFile(name, content, length) { IncomingETag = download.Details.ETag };
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
        return new DroppedFile(name, content, content.ToMemory().Length) { IncomingETag = response.Value.ETag };
    }

    /// <summary>Names of the files waiting in <c>incoming/</c>.</summary>
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
        var now = clock.GetUtcNow();
        var day = now.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture);
        var archive = account.Container(StorageNames.ArchiveContainer);
        var stored = StoredNames.Original(file.Name);
        var metadata = StoredNames.Metadata(file.Name);
        try
        {
            await archive.GetBlobClient($"{day}/{stored}").UploadAsync(
                file.Content, new BlobUploadOptions { Metadata = metadata, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            // The same name dropped again the same day: a kill or a correction must not erase the
            // version it replaces (the record of what was published). Other bytes go beside it,
            // named by the time they came; the same bytes again are already kept.
            var kept = await archive.GetBlobClient($"{day}/{stored}").DownloadContentAsync(cancellationToken);
            if (!kept.Value.Content.ToMemory().Span.SequenceEqual(file.Content.ToMemory().Span))
            {
                var extension = Path.GetExtension(stored);
                var stem = stored[..^extension.Length];
                await archive.GetBlobClient($"{day}/{stem}.{now.ToString("HHmmssfff", CultureInfo.InvariantCulture)}{extension}")
                    .UploadAsync(file.Content, new BlobUploadOptions { Metadata = metadata }, cancellationToken);
            }
        }

        await RemoveAsync(file, cancellationToken);
    }

    /// <summary>Clears a drop whose content is already stored, unchanged, from an earlier drop.</summary>
    public Task ReleaseAsync(DroppedFile file, CancellationToken cancellationToken) =>
        file.IncomingETag is null ? Task.CompletedTask : ArchiveAsync(file, cancellationToken);

    /// <summary>
    /// Keeps the original bytes in <c>rejected/{name}</c> with <c>rejected/{name}.error.json</c>
    /// beside it, then clears it from the drop zone. A name that cannot be stored as it came is
    /// stored hashed (<see cref="StoredNames"/>), the original name in the blobs' metadata and the record.
    /// </summary>
    public async Task RejectAsync(DroppedFile file, Rejection rejection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        await account.EnsureLayoutAsync(cancellationToken);
        var rejected = account.Container(StorageNames.RejectedContainer);
        var stored = StoredNames.Original(file.Name);
        var metadata = StoredNames.Metadata(file.Name);
        if (file.WasRead)
        {
            await rejected.GetBlobClient(stored).UploadAsync(file.Content, new BlobUploadOptions { Metadata = metadata }, cancellationToken);
        }
        else if (file.IncomingETag is not null)
        {
            // Too large to read: copied inside the account instead of through memory.
            var source = account.Container(StorageNames.IncomingContainer).GetBlobClient(file.Name);
            var copy = await rejected.GetBlobClient(stored).StartCopyFromUriAsync(
                source.Uri, new BlobCopyFromUriOptions { Metadata = metadata }, cancellationToken);
            await copy.WaitForCompletionAsync(cancellationToken);
        }

        await rejected.GetBlobClient(StoredNames.Record(stored)).UploadAsync(
            BinaryData.FromObjectAsJson(rejection, Json),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" }, Metadata = metadata },
            cancellationToken);
        await RemoveAsync(file, cancellationToken);
    }

    /// <summary>
    /// Records the rejection of an input whose original stays where it is (a page-view log in
    /// <c>pageviews/</c>): only <c>rejected/{prefix}{name}.error.json</c> is written.
    /// </summary>
    public async Task RecordAsync(string prefix, string name, Rejection rejection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        await account.EnsureLayoutAsync(cancellationToken);
        await account.Container(StorageNames.RejectedContainer).GetBlobClient(StoredNames.Record(prefix + StoredNames.Original(name))).UploadAsync(
            BinaryData.FromObjectAsJson(rejection, Json),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" }, Metadata = StoredNames.Metadata(rejection.File) },
            cancellationToken);
    }

    /// <summary>
    /// The rejections explained in <c>rejected/*.error.json</c>, newest first, at most
    /// <paramref name="max"/> read, with how many there are in all (one listing, one read per rejection returned).
    /// </summary>
    public async Task<(IReadOnlyList<Rejection> Newest, int Total)> RejectionsAsync(int max, CancellationToken cancellationToken)
    {
        var container = account.Container(StorageNames.RejectedContainer);
        var records = new List<(string Name, DateTimeOffset At)>();
        await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            if (StoredNames.IsRecord(item.Name))
            {
                records.Add((item.Name, item.Properties.LastModified ?? DateTimeOffset.MinValue));
            }
        }

        var newest = new List<Rejection>();
        foreach (var (name, at) in records.OrderByDescending(r => r.At).ThenBy(r => r.Name, StringComparer.Ordinal).Take(max))
        {
            try
            {
                var content = (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content;
                newest.Add(content.ToObjectFromJson<Rejection>(Json) ?? throw new JsonException("empty"));
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                newest.Add(new Rejection(name[..^StoredNames.RecordSuffix.Length], "unknown", $"Its {name} could not be read: {ex.Message}", null, null, at, 0));
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                // Replayed (deleted) between the listing and the read.
            }
        }

        return (newest, records.Count);
    }

    /// <summary>Deletes the drop only if it is still the version we read: a newer drop of the same name stays for the next pass.</summary>
    private async Task RemoveAsync(DroppedFile file, CancellationToken cancellationToken)
    {
        if (file.IncomingETag is not { } etag)
        {
            return;
        }

        try
        {
            await account.Container(StorageNames.IncomingContainer).GetBlobClient(file.Name)
                .DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = etag }, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            // Replaced while we worked: the new version is processed on its own.
        }
    }
}
