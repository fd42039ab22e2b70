using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Syndication.Adapters.Storage;

namespace Syndication.Adapters.Newsletters;

/// <summary>
/// Every issue as a web page ("view in browser"), <c>newsletters/{issue}.html</c> in the private
/// account, without anyone's links: the newsletter stage writes it, the archive page serves it.
/// </summary>
public sealed class NewsletterArchive(StorageAccount account)
{
    private const string ContentType = "text/html; charset=utf-8";

    /// <summary>The blob of an issue (<c>india/2026-11-25</c>) in the <c>newsletters</c> container.</summary>
    public static string PathOf(string issueKey) => issueKey + ".html";

    /// <summary>Writes (or replaces) an issue's page: one request.</summary>
    public async Task SaveAsync(string issueKey, string html, CancellationToken cancellationToken) =>
        await Blob(issueKey).UploadAsync(
            BinaryData.FromString(html),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = ContentType } },
            cancellationToken);

    /// <summary>An issue's page (one request), or null when there is none.</summary>
    public async Task<string?> ReadAsync(string issueKey, CancellationToken cancellationToken)
    {
        try
        {
            return (await Blob(issueKey).DownloadContentAsync(cancellationToken)).Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private BlobClient Blob(string issueKey) => account.Container(StorageNames.NewslettersContainer).GetBlobClient(PathOf(issueKey));
}
