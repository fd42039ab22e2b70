using System.CommandLine;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli.Commands;

/// <summary><c>status [--valid-for]</c>: write the status page now and print a read-only link to it.</summary>
internal static class StatusCommand
{
    public static Command Create(Verb verb)
    {
        var validFor = new Option<int>("--valid-for")
        {
            Description = "Minutes the printed read-only link stays valid.",
            DefaultValueFactory = _ => 60,
        };
        var command = new Command("status", "Write the status page now (status/index.html: stages, counts, rejected files, charts) and print where it is, " +
            "with a read-only link for a browser. The container is private: the link is signed with the account key, or with your own sign-in (az login) in Azure.");
        command.Options.Add(validFor);
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            var minutes = parse.GetValue(validFor);
            if (minutes is < 1 or > 7 * 24 * 60)
            {
                throw new CommandException("--valid-for takes 1 to 10080 minutes (a week, the longest a user-delegation link may last).");
            }

            var link = await WriteAsync(session, TimeSpan.FromMinutes(minutes), cancellationToken);
            var report = await session.Status.ReportAsync(cancellationToken);
            var output = verb.Output;
            output.WriteLine("Stages (last run):");
            foreach (var stage in report.Stages)
            {
                output.WriteLine(stage.LastRunAt is { } at
                    ? $"  {stage.Name,-11} {stage.Outcome,-9} {at:yyyy-MM-dd HH:mm} UTC  {stage.Runs} runs in {StatusStage.Window.TotalHours:0} h"
                    : $"  {stage.Name,-11} no run recorded yet");
            }

            output.WriteLine(
                $"Last {StatusStage.Window.TotalHours:0} hours: {report.Total(StageCounts.Ingested)} ingested, {report.Total(StageCounts.Rejected)} rejected, " +
                $"{report.Total(StageCounts.FeedsWritten)} feeds written, {report.Total(StageCounts.EmailsSent)} emails sent; {report.RejectedTotal} files in rejected/.");
            output.WriteLine($"Status page: {session.Status.PageBlob.Uri} (private)");
            output.WriteLine($"Read-only link, valid {minutes} minutes: {link}");
        }));
        return command;
    }

    /// <summary>Writes the page as a run of the status stage and returns a read-only link to it (<c>run</c> ends with it).</summary>
    public static async Task<Uri> WriteAsync(PipelineSession session, TimeSpan validFor, CancellationToken cancellationToken)
    {
        await session.Runs.RunAsync(StageNames.Status, "cli", () => session.Status.WriteAsync(cancellationToken), cancellationToken);
        return await session.Status.ReadLinkAsync(validFor, cancellationToken);
    }
}
