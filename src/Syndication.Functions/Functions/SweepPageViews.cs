using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>Counts page-view logs whose Event Grid event was lost or failed: the same schedule as the incoming sweep.</summary>
public sealed class SweepPageViews(TrendingStage stage, StageRunRecorder runs)
{
    [Function(nameof(SweepPageViews))]
    public Task Run([TimerTrigger("%SweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.CountPageViewsAsync(subject: "sweep", () => stage.SweepAsync(cancellationToken), cancellationToken);
}
