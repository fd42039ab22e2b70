using System.Globalization;
using Syndication.Core.Newsletters;

namespace Syndication.Core.Status;

/// <summary>The newsletter section: a table per recent issue, and the last 30 days as a chart and a table.</summary>
public static partial class StatusPageWriter
{
    /// <summary>How far back the newsletter chart reaches.</summary>
    public const int NewsletterDays = 30;

    /// <summary>Issues shown with their own table; the chart and its table cover all of them.</summary>
    private const int IssueTables = 6;

    private static NewslettersView Newsletters(StatusReport report)
    {
        var days = NewsletterDays.ToString(CultureInfo.InvariantCulture);
        var description = $"Newsletter emails delivered per day, the last {NewsletterDays} days";
        if (report.Newsletters.Count == 0)
        {
            return new NewslettersView(days, [], null, description, []);
        }

        var (chart, perDay) = NewsletterChart(report, description);
        return new NewslettersView(days, [.. report.Newsletters.Take(IssueTables).Select(Issue)], chart, description, perDay);
    }

    private static IssueView Issue(DeliveryReport issue)
    {
        var c = issue.Counts;
        return new IssueView(
            issue.Key,
            Time(issue.Started),
            N(issue.Sent),
            issue.Failed > 0 ? N(issue.Failed) : null,
            issue.ThrottledUntil is { } until ? Time(until) : null,
            issue.ThrottleReason ?? "",
            issue.Finished is null,
            [
                Row("processed", c.Processed, null),
                Row("delivered", c.Delivered, Percent(issue.Rates.Delivered) + " of processed"),
                Row("deferred at least once", c.Deferred, null),
                Row("bounced", c.Bounced, null),
                Row("dropped", c.Dropped, null),
                Row("opened by people", c.HumanOpens, Percent(issue.Rates.Open) + " of delivered"),
                Row("machine opens (Apple Mail Privacy Protection)", c.MachineOpens, null),
                Row("clicked by people", c.HumanClicks, Percent(issue.Rates.Click) + " of delivered"),
                Row("clicked only within seconds of delivery (scanners)", c.ScannerClicks, null),
                Row("spam reports", c.SpamReports, Percent(issue.Rates.Spam) + " of delivered") with { SpamLevel = issue.Rates.SpamLevel },
                Row("unsubscribed", c.Unsubscribes, null),
            ]);
    }

    private static IssueRowView Row(string what, long count, string? rate) => new(what, N(count), rate ?? "", null);

    /// <summary>Delivered per UTC day of the issues' start over 30 days, as bars, and every day's numbers in a table.</summary>
    private static (string Chart, IReadOnlyList<DayView> PerDay) NewsletterChart(StatusReport report, string description)
    {
        var lastDay = DateOnly.FromDateTime(report.GeneratedAt.UtcDateTime);
        var firstDay = lastDay.AddDays(-(NewsletterDays - 1));
        var days = Enumerable.Range(0, NewsletterDays).Select(i => firstDay.AddDays(i)).ToList();
        var byDay = report.Newsletters
            .GroupBy(r => DateOnly.FromDateTime(r.Started.UtcDateTime))
            .ToDictionary(g => g.Key, g => (Sent: g.Sum(r => r.Sent), Counts: g.Aggregate(DeliveryCounts.Zero, (sum, r) => sum + r.Counts)));
        var max = Math.Max(1, days.Select(d => byDay.TryGetValue(d, out var v) ? v.Counts.Delivered : 0).Max());
        var plotWidth = ChartWidth - Left - 8;
        var plotHeight = ChartHeight - Bottom - 12;
        var slot = (double)plotWidth / days.Count;
        var shapes = Axes(max.ToString(CultureInfo.InvariantCulture), plotHeight);
        for (var i = 0; i < days.Count; i++)
        {
            var x = Left + (i * slot);
            if (byDay.TryGetValue(days[i], out var day) && day.Counts.Delivered > 0)
            {
                var height = day.Counts.Delivered * plotHeight / (double)max;
                shapes.Add(Shape.Bar("bar", F(x + 1), F(12 + plotHeight - height), F(Math.Max(1, slot - 2)), F(height), $"{Day(days[i])}: {N(day.Counts.Delivered)} delivered"));
            }

            if (i % 7 == 0 || i == days.Count - 1)
            {
                shapes.Add(Shape.TextAt("tick", F(x + (slot / 2)), I(ChartHeight - 8), "middle", days[i].ToString("MM-dd", CultureInfo.InvariantCulture)));
            }
        }

        var perDay = days.Where(byDay.ContainsKey).Reverse().Select(day =>
        {
            var (sent, counts) = byDay[day];
            return new DayView(Day(day), N(sent), N(counts.Delivered), N(counts.HumanOpens), N(counts.HumanClicks), N(counts.SpamReports), Percent(DeliveryRates.Of(counts).Spam));
        }).ToList();
        return (Chart(ChartHeight, description, shapes), perDay);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Percent(double? rate) => rate is { } r ? r.ToString("0.##%", CultureInfo.InvariantCulture) : "n/a";
}
