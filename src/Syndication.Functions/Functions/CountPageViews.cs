using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>A page-view log dropped into <c>pageviews/</c> (Event Grid BlobCreated) is counted into hourly views, once.</summary>
public sealed class CountPageViews(TrendingStage stage, StageRunRecorder runs)
{
    [Function(nameof(CountPageViews))]
    public Task Run(
        [BlobTrigger("pageviews/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        CancellationToken cancellationToken) =>
        runs.CountPageViewsAsync(subject: name, () => stage.CountAsync(name, cancellationToken), cancellationToken);
}
