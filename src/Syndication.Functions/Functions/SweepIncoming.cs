using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>Ingests whatever is still in <c>incoming/</c>: missed events, local runs without Event Grid, old drops.</summary>
public sealed class SweepIncoming(IngestStage stage, StageRunRecorder runs)
{
    [Function(nameof(SweepIncoming))]
    public Task Run([TimerTrigger("%SweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RunAsync(StageNames.Ingest, subject: "sweep", () => stage.SweepAsync(progress: null, cancellationToken), cancellationToken);
}
