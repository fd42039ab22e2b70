using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>Ranks each edition's trending box; publishes <c>trending/{edition}.json</c> and its feeds only when the box changed.</summary>
public sealed class RankTrending(TrendingStage stage, StageRunRecorder runs)
{
    [Function(nameof(RankTrending))]
    public Task Run([TimerTrigger("%TrendingSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RankTrendingAsync(subject: null, () => stage.RankAsync(cancellationToken), cancellationToken);
}
