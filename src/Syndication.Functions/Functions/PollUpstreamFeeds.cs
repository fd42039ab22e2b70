using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>Polls the configured agency feeds that are due and ingests their new and changed items.</summary>
public sealed class PollUpstreamFeeds(UpstreamStage stage)
{
    [Function(nameof(PollUpstreamFeeds))]
    public Task Run([TimerTrigger("%UpstreamSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        stage.PollAsync(force: false, cancellationToken);
}
