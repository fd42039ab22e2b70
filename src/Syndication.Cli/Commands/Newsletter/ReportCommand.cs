using System.CommandLine;
using System.Globalization;
using Syndication.Pipeline;

namespace Syndication.Cli.Commands.Newsletter;

/// <summary><c>newsletter report</c>: what SendGrid reported for each recent issue, as text or JSON.</summary>
internal static class ReportCommand
{
    public static Command Create(Verb verb)
    {
        var edition = new Option<string?>("--edition") { Description = "Only this edition's issues (india, global, us, ...)." };
        var days = new Option<int>("--days") { Description = "How far back, in days.", DefaultValueFactory = _ => 30 };
        var json = new Option<bool>("--json") { Description = "Print JSON (the same fields) instead of text." };
        var command = new Command("report", "What SendGrid reported for each recent issue: processed, delivered, deferred, bounced, dropped, spam reports, " +
            "unsubscribes, unique opens by people and machine opens apart, unique clicks and scanner clicks apart, the rates, and whether a cap holds the issue back.");
        command.Options.Add(edition);
        command.Options.Add(days);
        command.Options.Add(json);
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            var output = verb.Output;
            if (parse.GetValue(edition) is { } id)
            {
                NewsletterCommand.FindEdition(session, id);
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
        }, parse => parse.GetValue(json)));
        return command;
    }

    private static string Percent(double? rate) => rate is { } r ? r.ToString("0.##%", CultureInfo.InvariantCulture) : "n/a";
}
