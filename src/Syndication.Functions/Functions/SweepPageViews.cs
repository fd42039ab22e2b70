using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>Counts page-view logs whose Event Grid event was lost or failed: the same schedule as the incoming sweep.</summary>
public sealed class SweepPageViews(TrendingStage stage)
{
    [Function(nameof(SweepPageViews))]
    public Task Run([TimerTrigger("%SweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        stage.SweepAsync(cancellationToken);
}
