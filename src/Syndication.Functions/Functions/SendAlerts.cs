using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>
/// Sends the breaking-news alerts the feed build recorded as due (a breaking story's first
/// publication or embargo lift), within the edition's quiet hours and daily limit; with none due it
/// costs one query. Frequent (every 20 s by default) so that an alert leaves within a minute of its drop.
/// </summary>
public sealed class SendAlerts(AlertStage stage, StageRunRecorder runs)
{
    [Function(nameof(SendAlerts))]
    public Task Run([TimerTrigger("%AlertSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RunAsync(StageNames.Alerts, subject: null, () => stage.SendDueAsync(cancellationToken), cancellationToken);
}
