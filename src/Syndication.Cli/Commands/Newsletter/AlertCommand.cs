using System.CommandLine;
using Syndication.Pipeline;

namespace Syndication.Cli.Commands.Newsletter;

/// <summary><c>newsletter alert --article ID</c>: a story as a breaking-news alert now, within the alert rules.</summary>
internal static class AlertCommand
{
    public static Command Create(Verb verb)
    {
        var article = new Option<string>("--article") { Description = "The story's article id (as in articles/{id}.json and the feeds' ids).", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count who would get the alert; send nothing and write nothing to the ledger." };
        var command = new Command("alert", "Send a story as a breaking-news alert now, to its editions' readers who opted in to alerts, whatever the hour; " +
            "never for a killed or embargoed story, never twice (the ledger), and counted against the edition's alerts of the day.");
        command.Options.Add(article);
        command.Options.Add(dryRun);
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            await session.Account.EnsureLayoutAsync(cancellationToken);
            IReadOnlyList<AlertReport> reports;
            try
            {
                reports = await session.Alerts.SendAsync(parse.GetValue(article)!, parse.GetValue(dryRun), cancellationToken);
            }
            catch (ArgumentException ex)
            {
                throw new CommandException(ex.Message);
            }

            if (reports.Count == 0)
            {
                verb.Output.WriteLine("The story is in no edition this catalog knows: no alert.");
            }

            Print(verb.Output, session, reports);
        }));
        return command;
    }

    /// <summary>For <c>run</c>, as the alert timer does: every breaking story due, to the readers who opted in.</summary>
    public static async Task SendDueAsync(PipelineSession session, TextWriter output, CancellationToken cancellationToken)
    {
        var reports = await session.Alerts.SendDueAsync(cancellationToken);
        Print(output, session, reports);
    }

    private static void Print(TextWriter output, PipelineSession session, IReadOnlyList<AlertReport> reports)
    {
        foreach (var report in reports)
        {
            if (report.Send is { } send)
            {
                NewsletterCommand.Print(output, session, send);
            }
            else
            {
                output.WriteLine($"Alert {report.IssueKey}: {report.Outcome.ToString().ToLowerInvariant()}: {report.Reason}.");
            }
        }
    }
}
