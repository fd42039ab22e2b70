using System.Globalization;
using System.Text;
using Syndication.Core.Newsletters;

namespace Syndication.Core.Status;

/// <summary>The newsletter section: a table per recent issue, and the last 30 days as a chart and a table.</summary>
public static partial class StatusPageWriter
{
    /// <summary>How far back the newsletter chart reaches.</summary>
    public const int NewsletterDays = 30;

    /// <summary>Issues shown with their own table; the chart and its table cover all of them.</summary>
    private const int IssueTables = 6;

    private static void WriteNewsletters(StringBuilder html, StatusReport report)
    {
        html.Append("<section aria-labelledby=\"newsletters\">\n<h2 id=\"newsletters\">Newsletter delivery</h2>\n");
        if (report.Newsletters.Count == 0)
        {
            html.Append("<p class=\"none\">no issue sent in the last ").Append(NewsletterDays).Append(" days</p>\n</section>\n");
            return;
        }

        html.Append("<p>From SendGrid's events. Opens and clicks are unique readers; machine opens (Apple Mail Privacy Protection) and clicks within seconds ")
            .Append("of delivery (mail scanners) are counted apart and left out of the rates. Spam rate against Gmail's lines: keep it under 0.1%, never reach 0.3%.</p>\n");
        foreach (var issue in report.Newsletters.Take(IssueTables))
        {
            WriteIssueTable(html, issue);
        }

        WriteNewsletterChart(html, report);
        html.Append("</section>\n");
    }

    private static void WriteIssueTable(StringBuilder html, DeliveryReport issue)
    {
        var c = issue.Counts;
        html.Append("<div class=\"scroll\"><table>\n<caption><strong>").Append(E(issue.Key)).Append("</strong> · started ").Append(Time(issue.Started))
            .Append(" · ").Append(N(issue.Sent)).Append(" sent");
        if (issue.Failed > 0)
        {
            html.Append(", ").Append(N(issue.Failed)).Append(" failed");
        }

        if (issue.ThrottledUntil is { } until)
        {
            html.Append(" · <span class=\"outcome warning\">throttled until ").Append(Time(until)).Append("</span>: ").Append(E(issue.ThrottleReason ?? ""));
        }
        else if (issue.Finished is null)
        {
            html.Append(" · not finished");
        }

        html.Append("</caption>\n<thead><tr><th scope=\"col\">SendGrid reported</th><th scope=\"col\">Recipients</th><th scope=\"col\">Rate</th></tr></thead>\n<tbody>\n");
        Row(html, "processed", c.Processed, null);
        Row(html, "delivered", c.Delivered, Percent(issue.Rates.Delivered) + " of processed");
        Row(html, "deferred at least once", c.Deferred, null);
        Row(html, "bounced", c.Bounced, null);
        Row(html, "dropped", c.Dropped, null);
        Row(html, "opened by people", c.HumanOpens, Percent(issue.Rates.Open) + " of delivered");
        Row(html, "machine opens (Apple Mail Privacy Protection)", c.MachineOpens, null);
        Row(html, "clicked by people", c.HumanClicks, Percent(issue.Rates.Click) + " of delivered");
        Row(html, "clicked only within seconds of delivery (scanners)", c.ScannerClicks, null);
        var level = issue.Rates.SpamLevel switch
        {
            "over-limit" => " <span class=\"outcome failed\">over Gmail's 0.3% limit</span>",
            "warning" => " <span class=\"outcome warning\">over Gmail's 0.1% line</span>",
            _ => "",
        };
        Row(html, "spam reports", c.SpamReports, Percent(issue.Rates.Spam) + " of delivered" + level, encodeRate: false);
        Row(html, "unsubscribed", c.Unsubscribes, null);
        html.Append("</tbody></table></div>\n");
    }

    private static void Row(StringBuilder html, string what, long count, string? rate, bool encodeRate = true)
    {
        html.Append("<tr><th scope=\"row\">").Append(E(what)).Append("</th><td>").Append(N(count)).Append("</td><td>")
            .Append(rate is null ? "" : encodeRate ? E(rate) : rate).Append("</td></tr>\n");
    }

    /// <summary>Delivered per UTC day of the issues' start over 30 days, as bars, and every day's numbers in a table.</summary>
    private static void WriteNewsletterChart(StringBuilder html, StatusReport report)
    {
        var lastDay = DateOnly.FromDateTime(report.GeneratedAt.UtcDateTime);
        var firstDay = lastDay.AddDays(-(NewsletterDays - 1));
        var days = Enumerable.Range(0, NewsletterDays).Select(i => firstDay.AddDays(i)).ToList();
        var byDay = report.Newsletters
            .GroupBy(r => DateOnly.FromDateTime(r.Started.UtcDateTime))
            .ToDictionary(g => g.Key, g => (Sent: g.Sum(r => r.Sent), Counts: g.Aggregate(DeliveryCounts.Zero, (sum, r) => sum + r.Counts)));
        var description = $"Newsletter emails delivered per day, the last {NewsletterDays} days";
        html.Append("<figure>\n");
        var max = Math.Max(1, days.Select(d => byDay.TryGetValue(d, out var v) ? v.Counts.Delivered : 0).Max());
        var plotWidth = ChartWidth - Left - 8;
        var plotHeight = ChartHeight - Bottom - 12;
        var slot = (double)plotWidth / days.Count;
        html.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(ChartWidth).Append(' ').Append(ChartHeight)
            .Append("\" role=\"img\" aria-label=\"").Append(E(description)).Append("\" preserveAspectRatio=\"xMidYMid meet\">\n")
            .Append("<title>").Append(E(description)).Append("</title>\n");
        Axes(html, max.ToString(CultureInfo.InvariantCulture), plotHeight);
        for (var i = 0; i < days.Count; i++)
        {
            var x = Left + (i * slot);
            if (byDay.TryGetValue(days[i], out var day) && day.Counts.Delivered > 0)
            {
                var height = day.Counts.Delivered * plotHeight / (double)max;
                html.Append("<rect class=\"bar\" x=\"").Append(F(x + 1)).Append("\" y=\"").Append(F(12 + plotHeight - height))
                    .Append("\" width=\"").Append(F(Math.Max(1, slot - 2))).Append("\" height=\"").Append(F(height)).Append("\"><title>")
                    .Append(E($"{Day(days[i])}: {N(day.Counts.Delivered)} delivered")).Append("</title></rect>\n");
            }

            if (i % 7 == 0 || i == days.Count - 1)
            {
                html.Append("<text class=\"tick\" x=\"").Append(F(x + (slot / 2))).Append("\" y=\"").Append(ChartHeight - 8)
                    .Append("\" text-anchor=\"middle\">").Append(days[i].ToString("MM-dd", CultureInfo.InvariantCulture)).Append("</text>\n");
            }
        }

        html.Append("</svg>\n<figcaption>").Append(E(description)).Append(" (UTC days the issues started)</figcaption>\n")
            .Append("<details><summary>The numbers per day</summary>\n<div class=\"scroll\"><table>\n<caption>Days with an issue</caption>\n")
            .Append("<thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Sent</th><th scope=\"col\">Delivered</th><th scope=\"col\">Opened by people</th>")
            .Append("<th scope=\"col\">Clicked by people</th><th scope=\"col\">Spam reports</th><th scope=\"col\">Spam rate</th></tr></thead>\n<tbody>\n");
        foreach (var day in days.Where(byDay.ContainsKey).Reverse())
        {
            var (sent, counts) = byDay[day];
            html.Append("<tr><th scope=\"row\">").Append(Day(day)).Append("</th><td>").Append(N(sent)).Append("</td><td>").Append(N(counts.Delivered))
                .Append("</td><td>").Append(N(counts.HumanOpens)).Append("</td><td>").Append(N(counts.HumanClicks))
                .Append("</td><td>").Append(N(counts.SpamReports)).Append("</td><td>").Append(E(Percent(DeliveryRates.Of(counts).Spam))).Append("</td></tr>\n");
        }

        html.Append("</tbody></table></div></details>\n</figure>\n");
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Percent(double? rate) => rate is { } r ? r.ToString("0.##%", CultureInfo.InvariantCulture) : "n/a";
}
