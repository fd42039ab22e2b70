using System.CommandLine;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli.Commands;

/// <summary><c>poll</c>: every configured agency feed now, whatever its interval or back-off.</summary>
internal static class PollCommand
{
    public static Command Create(Verb verb)
    {
        var command = new Command("poll", "Poll every configured agency feed now (Syndication:Upstream:Feeds), ignoring intervals and back-off, and ingest their items.");
        command.SetAction(verb.Action((_, session, cancellationToken) => PollAsync(session, force: true, verb.Output, cancellationToken)));
        return command;
    }

    /// <summary>Polls as a run of the upstream stage and prints each feed's result (<c>run</c> polls the feeds that are due).</summary>
    public static async Task PollAsync(PipelineSession session, bool force, TextWriter output, CancellationToken cancellationToken)
    {
        var polls = await session.Runs.RunAsync(StageNames.Upstream, "cli", () => session.Upstream.PollAsync(force, cancellationToken), cancellationToken);
        if (polls.Count == 0)
        {
            output.WriteLine("Upstream: no agency feeds configured (Syndication:Upstream:Feeds).");
            return;
        }

        output.WriteLine("Upstream:");
        foreach (var poll in polls)
        {
            var detail = poll.Result switch
            {
                PollResult.Fetched => $"{poll.Items.Count} items: {poll.Count(IngestResult.Accepted)} accepted, {poll.Count(IngestResult.Updated)} updated, " +
                    $"{poll.Count(IngestResult.Unchanged)} unchanged, {poll.Count(IngestResult.Rejected)} rejected",
                PollResult.Failed => $"{poll.Error} Next try after {poll.NextPollAfter:u}.",
                PollResult.Skipped => $"not due before {poll.NextPollAfter:u}",
                _ => "not modified",
            };
            output.WriteLine($"  {poll.Result.ToString().ToLowerInvariant(),-12} {poll.Feed}  {detail}");
            foreach (var rejected in poll.Items.Where(i => i.Result == IngestResult.Rejected).Take(5))
            {
                output.WriteLine($"      rejected {rejected.File}: {rejected.Rejection?.Reason}");
            }
        }
    }
}
