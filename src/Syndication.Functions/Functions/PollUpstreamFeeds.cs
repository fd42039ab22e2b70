using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>Polls the configured agency feeds that are due and ingests their new and changed items.</summary>
public sealed class PollUpstreamFeeds(UpstreamStage stage, StageRunRecorder runs)
{
    [Function(nameof(PollUpstreamFeeds))]
    public Task Run([TimerTrigger("%UpstreamSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RunAsync(StageNames.Upstream, subject: null, () => stage.PollAsync(force: false, cancellationToken), cancellationToken);
}
