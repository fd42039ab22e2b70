using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>A page-view log dropped into <c>pageviews/</c> (Event Grid BlobCreated) is counted into hourly views, once.</summary>
public sealed class CountPageViews(TrendingStage stage)
{
    [Function(nameof(CountPageViews))]
    public Task Run(
        [BlobTrigger("pageviews/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        CancellationToken cancellationToken) =>
        stage.CountAsync(name, cancellationToken);
}
