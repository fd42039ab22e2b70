using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>A file dropped into <c>incoming/</c> (Event Grid BlobCreated) is ingested.</summary>
public sealed class IngestDroppedFile(IngestStage stage, StageRunRecorder runs)
{
    [Function(nameof(IngestDroppedFile))]
    public Task Run(
        [BlobTrigger("incoming/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        CancellationToken cancellationToken) =>
        runs.RunAsync(StageNames.Ingest, subject: name, () => stage.IngestAsync(name, cancellationToken), cancellationToken);
}
