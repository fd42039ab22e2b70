using System.CommandLine;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli;

/// <summary><c>newsletter preview | send | alert | import</c>: the newsletter and alert stages from the command line.</summary>
internal static class NewsletterCommand
{
    public static Command Create(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var command = new Command("newsletter", "Preview, send and import newsletter subscribers. Without a SendGrid key " +
            "(Syndication__Newsletter__SendGridApiKey) every email is written as an .eml file to the outbox folder instead.");
        command.Subcommands.Add(Preview(output, storage, verbose));
        command.Subcommands.Add(Send(output, storage, verbose));
        command.Subcommands.Add(Alert(output, storage, verbose));
        command.Subcommands.Add(Import(output, storage, verbose));
        command.Subcommands.Add(Report(output, storage, verbose));
        return command;
    }

    private static Command Report(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var edition = new Option<string?>("--edition") { Description = "Only this edition's issues (india, global, us, ...)." };
        var days = new Option<int>("--days") { Description = "How far back, in days.", DefaultValueFactory = _ => 30 };
        var json = new Option<bool>("--json") { Description = "Print JSON (the same fields) instead of text." };
        var command = new Command("report", "What SendGrid reported for each recent issue: processed, delivered, deferred, bounced, dropped, spam reports, " +
            "unsubscribes, unique opens by people and machine opens apart, unique clicks and scanner clicks apart, the rates, and whether a cap holds the issue back.");
        command.Options.Add(edition);
        command.Options.Add(days);
        command.Options.Add(json);
        command.SetAction((parse, cancellationToken) => SyndicationCommand.WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            if (parse.GetValue(edition) is { } id && session.Catalog.FindEdition(id) is null)
            {
                throw new CommandException($"No edition '{id}'; the editions are {string.Join(", ", session.Catalog.Editions.Select(e => e.Id))}.");
            }

            var reports = await session.Reports.RecentAsync(Math.Max(1, parse.GetValue(days)), parse.GetValue(edition), cancellationToken);
            if (parse.GetValue(json))
            {
                output.WriteLine(NewsletterReports.ToJson(reports, TimeProvider.System.GetUtcNow()));
                return;
            }

            if (reports.Count == 0)
            {
                output.WriteLine($"No issue sent in the last {parse.GetValue(days)} days.");
            }

            foreach (var r in reports)
            {
                var c = r.Counts;
                output.WriteLine($"{r.Key}: {r.Sent:N0} sent, {r.Failed:N0} failed" + (r.Finished is null ? ", not finished" : "") +
                    (r.ThrottledUntil is { } until ? $", throttled until {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({r.ThrottleReason})" : ""));
                output.WriteLine($"  processed {c.Processed:N0}, delivered {c.Delivered:N0} ({Percent(r.Rates.Delivered)}), deferred {c.Deferred:N0}, bounced {c.Bounced:N0}, dropped {c.Dropped:N0}");
                output.WriteLine($"  opened by people {c.HumanOpens:N0} ({Percent(r.Rates.Open)}), machine opens {c.MachineOpens:N0}; clicked {c.HumanClicks:N0} ({Percent(r.Rates.Click)}), scanner clicks {c.ScannerClicks:N0}");
                output.WriteLine($"  spam reports {c.SpamReports:N0} ({Percent(r.Rates.Spam)}: {r.SpamLevel}; Gmail's lines 0.1% and 0.3%), unsubscribes {c.Unsubscribes:N0}");
            }
        }, cancellationToken));
        return command;
    }

    private static string Percent(double? rate) => rate is { } r ? r.ToString("0.##%", System.Globalization.CultureInfo.InvariantCulture) : "n/a";

    private static Option<string> EditionOption() => new("--edition") { Description = "Edition id (india, global, us, ...).", Required = true };

    private static Option<NewsletterCadence> CadenceOption() => new("--cadence") { Description = "daily or weekly.", DefaultValueFactory = _ => NewsletterCadence.Daily };

    private static Option<DateOnly?> DateOption() => new("--date")
    {
        Description = "The issue's local date (yyyy-MM-dd); default: today in the edition's time zone (for weekly: the last send day on or before it).",
    };

    private static Command Preview(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var edition = EditionOption();
        var cadence = CadenceOption();
        var date = DateOption();
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder for the files.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "newsletters")) };
        var command = new Command("preview", "Render an edition's issue from the current index to files: the web page (as archived), the plain text, and one sample email of each sector.");
        command.Options.Add(edition);
        command.Options.Add(cadence);
        command.Options.Add(date);
        command.Options.Add(folder);
        command.SetAction((parse, cancellationToken) => SyndicationCommand.WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            var (found, localDate) = Resolve(session, parse.GetValue(edition)!, parse.GetValue(cadence), parse.GetValue(date));
            var issue = await session.Newsletter.BuildIssueAsync(found, parse.GetValue(cadence), localDate, cancellationToken);
            var renderer = session.Renderer;
            var target = parse.GetValue(folder)!;
            var baseName = Path.Combine(target.FullName, issue.IssueKey.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(baseName)!);
            var all = renderer.Prepare(issue, []);
            await File.WriteAllTextAsync(baseName + ".html", renderer.ArchivePage(all), cancellationToken);
            var sample = renderer.Personalize(all, SampleRecipient([]));
            await File.WriteAllTextAsync(baseName + ".txt", sample.Text, cancellationToken);
            output.WriteLine($"Issue {issue.IssueKey}: \"{all.Subject}\", {issue.Stories.Count} stories in the edition, {all.StoryCount} shown, {issue.Trending.Count} trending.");
            output.WriteLine($"  web page:   {baseName}.html ({System.Text.Encoding.UTF8.GetByteCount(renderer.ArchivePage(all)):N0} bytes)");
            output.WriteLine($"  plain text: {baseName}.txt");
            foreach (var sector in session.Catalog.Sectors)
            {
                var variant = renderer.Prepare(issue, [sector.Id]);
                if (variant.FellBackToAllSectors)
                {
                    continue;
                }

                var file = $"{baseName}.{sector.Id}.html";
                await File.WriteAllTextAsync(file, renderer.Personalize(variant, SampleRecipient([sector.Id])).Html, cancellationToken);
                output.WriteLine($"  {sector.Name,-22} {variant.StoryCount,2} stories  {file}");
            }
        }, cancellationToken));
        return command;
    }

    private static Command Send(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var edition = EditionOption();
        var cadence = CadenceOption();
        var date = DateOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Count who would get the issue; send nothing and write nothing to the ledger." };
        var command = new Command("send", "Send an edition's issue now, whatever the hour, to its confirmed subscribers; safe to repeat (the ledger sends each reader one email).");
        command.Options.Add(edition);
        command.Options.Add(cadence);
        command.Options.Add(date);
        command.Options.Add(dryRun);
        command.SetAction((parse, cancellationToken) => SyndicationCommand.WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            var (found, localDate) = Resolve(session, parse.GetValue(edition)!, parse.GetValue(cadence), parse.GetValue(date));
            var report = await session.Runs.RunAsync(StageNames.Newsletter, "cli send", () => session.Newsletter.SendIssueAsync(found, parse.GetValue(cadence), localDate, parse.GetValue(dryRun), cancellationToken), cancellationToken);
            Print(output, session, report);
            if (report.Refused)
            {
                throw new CommandException("The send was refused: " + string.Join(" ", report.Failures));
            }
        }, cancellationToken));
        return command;
    }

    private static Command Alert(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var article = new Option<string>("--article") { Description = "The story's article id (as in articles/{id}.json and the feeds' ids).", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count who would get the alert; send nothing and write nothing to the ledger." };
        var command = new Command("alert", "Send a story as a breaking-news alert now, to its editions' readers who opted in to alerts, whatever the hour; " +
            "never for a killed or embargoed story, never twice (the ledger), and counted against the edition's alerts of the day.");
        command.Options.Add(article);
        command.Options.Add(dryRun);
        command.SetAction((parse, cancellationToken) => SyndicationCommand.WithSessionAsync(parse, output, storage, verbose, async session =>
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
                output.WriteLine("The story is in no edition this catalog knows: no alert.");
            }

            PrintAlerts(output, session, reports);
        }, cancellationToken));
        return command;
    }

    /// <summary>For <c>run</c>, as the alert timer does: every breaking story due, to the readers who opted in.</summary>
    public static async Task SendDueAlertsAsync(PipelineSession session, TextWriter output, CancellationToken cancellationToken)
    {
        var reports = await session.Alerts.SendDueAsync(cancellationToken);
        PrintAlerts(output, session, reports);
    }

    private static void PrintAlerts(TextWriter output, PipelineSession session, IReadOnlyList<AlertReport> reports)
    {
        foreach (var report in reports)
        {
            if (report.Send is { } send)
            {
                Print(output, session, send);
            }
            else
            {
                output.WriteLine($"Alert {report.IssueKey}: {report.Outcome.ToString().ToLowerInvariant()}: {report.Reason}.");
            }
        }
    }

    private static Command Import(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var file = new Argument<FileInfo>("CSV") { Description = "email,edition,sectors,cadence,status[,alerts] (sectors separated by ';'; status confirmed, pending or unsubscribed; alerts yes or no, for breaking-news alerts, kept as it was when absent), as samples/subscribers.csv." };
        var command = new Command("import", "Import subscribers from a CSV file; an address already known is replaced, a suppressed one stays suppressed.");
        command.Arguments.Add(file);
        command.SetAction((parse, cancellationToken) => SyndicationCommand.WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            var imported = await ImportAsync(session, parse.GetValue(file)!, output, cancellationToken);
            output.WriteLine($"{imported} subscribers imported.");
        }, cancellationToken));
        return command;
    }

    public static async Task<int> ImportAsync(PipelineSession session, FileInfo file, TextWriter output, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CommandException($"No such file: {file.FullName}");
        }

        await session.Account.EnsureLayoutAsync(cancellationToken);
        await using var csv = file.OpenRead();
        var report = await session.Importer.ImportAsync(csv, cancellationToken);
        foreach (var skipped in report.FirstSkipped)
        {
            output.WriteLine($"  {skipped}: skipped");
        }

        if (report.Skipped > report.FirstSkipped.Count)
        {
            output.WriteLine($"  ... {report.Skipped} lines skipped in all.");
        }

        return report.Imported;
    }

    /// <summary>For <c>run</c>: every edition's daily issue of today, and this week's weekly issue, to the subscribers there are.</summary>
    public static async Task SendAllAsync(PipelineSession session, TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var edition in session.Catalog.Editions)
        {
            foreach (var cadence in Enum.GetValues<NewsletterCadence>())
            {
                var (_, localDate) = Resolve(session, edition.Id, cadence, null);

                // A run of the newsletter stage, as the timer's, so the status page counts what it sent.
                var report = await session.Runs.RunAsync(StageNames.Newsletter, "cli run", () => session.Newsletter.SendIssueAsync(edition, cadence, localDate, dryRun: false, cancellationToken), cancellationToken);
                if (report.Planned + report.AlreadyHandled > 0 || report.Failures.Count > 0)
                {
                    Print(output, session, report);
                }
            }
        }
    }

    private static void Print(TextWriter output, PipelineSession session, IssueReport report)
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

    private static (Edition Edition, DateOnly Date) Resolve(PipelineSession session, string editionId, NewsletterCadence cadence, DateOnly? date)
    {
        var edition = session.Catalog.FindEdition(editionId)
            ?? throw new CommandException($"No edition '{editionId}'; the editions are {string.Join(", ", session.Catalog.Editions.Select(e => e.Id))}.");
        if (date is { } given)
        {
            return (edition, given);
        }

        var schedule = session.Newsletter.Schedule(edition, cadence);
        var today = SendSchedule.LocalDate(TimeProvider.System.GetUtcNow(), schedule.Zone);
        if (cadence == NewsletterCadence.Weekly)
        {
            while (today.DayOfWeek != schedule.WeeklyOn)
            {
                today = today.AddDays(-1);
            }
        }

        return (edition, today);
    }

    private static DigestRecipient SampleRecipient(IReadOnlyList<string> sectors) => new()
    {
        Email = EmailAddress.Parse("reader@example.com"),
        SubscriberId = "preview",
        Sectors = sectors,
        UnsubscribeToken = "preview-unsubscribe",
        PreferencesToken = "preview-preferences",
        Name = "Reader",
    };
}
