using Microsoft.Azure.Functions.Worker;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Functions.Functions;

/// <summary>Sends every newsletter issue whose edition's local send time has come; a re-run resumes with only the unsent.</summary>
public sealed class SendNewsletters(NewsletterStage stage, StageRunRecorder runs)
{
    [Function(nameof(SendNewsletters))]
    public Task Run([TimerTrigger("%NewsletterSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RunAsync(StageNames.Newsletter, subject: null, () => stage.SendDueAsync(cancellationToken), cancellationToken);
}
