using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>
/// The safety net of event-driven publishing: builds the feeds of changed articles whose events
/// were missed (or left by a build that stopped), under the same lease as every other build.
/// </summary>
public sealed class BuildFeeds(FeedPublishing publishing)
{
    [Function(nameof(BuildFeeds))]
    public Task Run([TimerTrigger("%FeedsSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        publishing.PublishChangesAsync(trigger: "timer", cancellationToken);
}
