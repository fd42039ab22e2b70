using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>Writes the status page (<c>status/index.html</c>, private) for editors and operators.</summary>
public sealed class WriteStatusPage(StatusStage stage, StageRunRecorder runs)
{
    [Function(nameof(WriteStatusPage))]
    public Task Run([TimerTrigger("%StatusSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RunAsync(StageNames.Status, subject: null, () => stage.WriteAsync(cancellationToken), cancellationToken);
}
