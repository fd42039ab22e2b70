using System.CommandLine;
using Syndication.Core.Newsletters;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli.Commands.Newsletter;

/// <summary><c>newsletter send</c>: an edition's issue now, whatever the hour; the ledger makes it safe to repeat.</summary>
internal static class SendCommand
{
    public static Command Create(Verb verb)
    {
        var edition = NewsletterCommand.EditionOption();
        var cadence = NewsletterCommand.CadenceOption();
        var date = NewsletterCommand.DateOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Count who would get the issue; send nothing and write nothing to the ledger." };
        var command = new Command("send", "Send an edition's issue now, whatever the hour, to its confirmed subscribers; safe to repeat (the ledger sends each reader one email).");
        command.Options.Add(edition);
        command.Options.Add(cadence);
        command.Options.Add(date);
        command.Options.Add(dryRun);
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            var (found, localDate) = NewsletterCommand.Resolve(session, parse.GetValue(edition)!, parse.GetValue(cadence), parse.GetValue(date));
            var report = await session.Runs.RunAsync(StageNames.Newsletter, "cli send", () => session.Newsletter.SendIssueAsync(found, parse.GetValue(cadence), localDate, parse.GetValue(dryRun), cancellationToken), cancellationToken);
            NewsletterCommand.Print(verb.Output, session, report);
            if (report.Refused)
            {
                throw new CommandException("The send was refused: " + string.Join(" ", report.Failures));
            }
        }));
        return command;
    }

    /// <summary>For <c>run</c>: every edition's daily issue of today, and this week's weekly issue, to the subscribers there are.</summary>
    public static async Task SendAllAsync(PipelineSession session, TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var edition in session.Catalog.Editions)
        {
            foreach (var cadence in Enum.GetValues<NewsletterCadence>())
            {
                var localDate = session.Newsletter.CurrentIssueDate(edition, cadence);

                // A run of the newsletter stage, as the timer's, so the status page counts what it sent.
                var report = await session.Runs.RunAsync(StageNames.Newsletter, "cli run", () => session.Newsletter.SendIssueAsync(edition, cadence, localDate, dryRun: false, cancellationToken), cancellationToken);
                if (report.Planned + report.AlreadyHandled > 0 || report.Failures.Count > 0)
                {
                    NewsletterCommand.Print(output, session, report);
                }
            }
        }
    }
}
