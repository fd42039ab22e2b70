using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>
/// An article written to <c>articles/</c> (Event Grid BlobCreated: ingest's own write of a new or
/// changed article, no marker of its own) leads to a feed build within seconds, coalesced with the
/// other changes of a burst under the feeds' lease (see <see cref="FeedPublishing"/>).
/// </summary>
public sealed class PublishArticleChanges(FeedPublishing publishing)
{
    [Function(nameof(PublishArticleChanges))]
    public Task Run(
        [BlobTrigger("articles/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        CancellationToken cancellationToken) =>
        publishing.PublishChangesAsync(trigger: name, cancellationToken);
}
