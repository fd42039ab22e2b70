using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>Ranks each edition's trending box; publishes <c>trending/{edition}.json</c> and its feeds only when the box changed.</summary>
public sealed class RankTrending(TrendingStage stage)
{
    [Function(nameof(RankTrending))]
    public Task Run([TimerTrigger("%TrendingSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        stage.RankAsync(cancellationToken);
}
