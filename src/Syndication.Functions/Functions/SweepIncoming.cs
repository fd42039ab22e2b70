using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>Ingests whatever is still in <c>incoming/</c>: missed events, local runs without Event Grid, old drops.</summary>
public sealed class SweepIncoming(IngestStage stage)
{
    [Function(nameof(SweepIncoming))]
    public Task Run([TimerTrigger("%SweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        stage.SweepAsync(progress: null, cancellationToken);
}
