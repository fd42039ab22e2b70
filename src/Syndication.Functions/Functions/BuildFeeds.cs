using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>Rebuilds the public feeds; only feeds whose bytes changed are uploaded.</summary>
public sealed class BuildFeeds(FeedsStage stage, StageRunRecorder runs)
{
    [Function(nameof(BuildFeeds))]
    public Task Run([TimerTrigger("%FeedsSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RunAsync(StageNames.Feeds, subject: null, () => stage.BuildAsync(rebuildAll: false, cancellationToken), cancellationToken);
}
