using System.CommandLine;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;

namespace Syndication.Cli.Commands.Newsletter;

/// <summary>
/// <c>newsletter preview | send | alert | import | report</c>: the newsletter and alert stages from
/// the command line, one file per verb; here the options and lines they share.
/// </summary>
internal static class NewsletterCommand
{
    public static Command Create(Verb verb)
    {
        var command = new Command("newsletter", "Preview, send and import newsletter subscribers. Without a SendGrid key " +
            "(Syndication__Newsletter__SendGridApiKey) every email is written as an .eml file to the outbox folder instead.");
        command.Subcommands.Add(PreviewCommand.Create(verb));
        command.Subcommands.Add(SendCommand.Create(verb));
        command.Subcommands.Add(AlertCommand.Create(verb));
        command.Subcommands.Add(ImportCommand.Create(verb));
        command.Subcommands.Add(ReportCommand.Create(verb));
        return command;
    }

    public static Option<string> EditionOption() => new("--edition") { Description = "Edition id (india, global, us, ...).", Required = true };

    public static Option<NewsletterCadence> CadenceOption() => new("--cadence") { Description = "daily or weekly.", DefaultValueFactory = _ => NewsletterCadence.Daily };

    public static Option<DateOnly?> DateOption() => new("--date")
    {
        Description = "The issue's local date (yyyy-MM-dd); default: today in the edition's time zone (for weekly: the last send day on or before it).",
    };

    /// <summary>The edition by its id, or a plain error naming those there are.</summary>
    public static Edition FindEdition(PipelineSession session, string editionId) =>
        session.Catalog.FindEdition(editionId)
            ?? throw new CommandException($"No edition '{editionId}'; the editions are {string.Join(", ", session.Catalog.Editions.Select(e => e.Id))}.");

    /// <summary>The edition and the issue's local date: the one given, else the stage's current issue.</summary>
    public static (Edition Edition, DateOnly Date) Resolve(PipelineSession session, string editionId, NewsletterCadence cadence, DateOnly? date)
    {
        var edition = FindEdition(session, editionId);
        return (edition, date ?? session.Newsletter.CurrentIssueDate(edition, cadence));
    }

    /// <summary>One issue's (or alert's) send, as <c>send</c>, <c>alert</c> and <c>run</c> print it.</summary>
    public static void Print(TextWriter output, PipelineSession session, IssueReport report)
    {
        var verb = report.DryRun ? "would send" : "sent";
        output.WriteLine($"{(report.IssueKey.Contains("/alert/", StringComparison.Ordinal) ? "Alert" : "Newsletter")} {report.IssueKey}: {(report.DryRun ? report.Planned : report.Sent)} {verb}, {report.Uncertain} uncertain, {report.Failed} failed, " +
            $"{report.Retry} to retry, {report.OptedOutDuringRun} opted out during the run, {report.AlreadyHandled} sent before; {report.Batches} batches, {report.Variants} sector variants.");
        foreach (var failure in report.Failures)
        {
            output.WriteLine($"  {failure}");
        }

        if (report.ThrottledUntil is { } until)
        {
            output.WriteLine($"  throttled until {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {report.ThrottleReason}; the next run after that sends the rest.");
        }

        if (report.PaceReason is { } pace)
        {
            output.WriteLine($"  slowed down: {pace}.");
        }

        if (!report.DryRun && report.Sent > 0)
        {
            output.WriteLine($"  to {report.Destination}" + (session.Newsletter.Transport is OutboxTransport outbox ? $": {outbox.Location(report.IssueKey + "/")}" : ""));
        }
    }
}
