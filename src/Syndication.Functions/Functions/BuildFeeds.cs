using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>Rebuilds the public feeds; only feeds whose bytes changed are uploaded.</summary>
public sealed class BuildFeeds(FeedsStage stage)
{
    [Function(nameof(BuildFeeds))]
    public Task Run([TimerTrigger("%FeedsSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        stage.BuildAsync(rebuildAll: false, cancellationToken);
}
