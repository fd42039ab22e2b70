using System.Globalization;
using System.Net;
using System.Text;
using Syndication.Core.Trending;

namespace Syndication.Core.Status;

/// <summary>Everything the status page shows, gathered by the status stage.</summary>
/// <param name="Window">How far back the totals and charts reach (48 hours).</param>
public sealed record StatusReport(
    string SiteName,
    DateTimeOffset GeneratedAt,
    TimeSpan Window,
    IReadOnlyList<StageStatus> Stages,
    IReadOnlyList<HourlyCount> IngestVolume,
    IReadOnlyList<RejectedFile> Rejected,
    int RejectedTotal,
    IReadOnlyList<TrendingList> Trending,
    IReadOnlyList<ScorePoint> TopScores)
{
    /// <summary>The newsletter issues started in <see cref="StatusPageWriter.NewsletterDays"/> days, newest first, with what SendGrid reported.</summary>
    public IReadOnlyList<Newsletters.DeliveryReport> Newsletters { get; init; } = [];

    /// <summary>The sum of <paramref name="count"/> over every run of every stage in the window.</summary>
    public long Total(string count) => Stages.Sum(s => s.Totals.GetValueOrDefault(count));

    public StageStatus? Stage(string name) => Stages.FirstOrDefault(s => s.Name == name);

    /// <summary>Stories held by an embargo, soonest lift first.</summary>
    public IReadOnlyList<HeldStory> Held { get; init; } = [];
}

/// <summary>A story held by its embargo: <paramref name="Lifts"/> says when, in UTC and its editions' zones.</summary>
public sealed record HeldStory(string Id, string Headline, DateTimeOffset LiftsAt, string Lifts, string? Origin);

/// <summary>One stage: its last run and what its runs counted in the window.</summary>
/// <param name="Outcome">Of the last run: <c>Succeeded</c>, <c>Warning</c> or <c>Failed</c>; null when it never ran.</param>
public sealed record StageStatus(
    string Name,
    string Description,
    DateTimeOffset? LastRunAt,
    TimeSpan? LastDuration,
    string? Outcome,
    string? Detail,
    int Runs,
    int FailedRuns,
    IReadOnlyDictionary<string, long> Totals);

public sealed record HourlyCount(DateTimeOffset Hour, long Count);

/// <summary>A file kept in <c>rejected/</c>, as its <c>.error.json</c> explains it.</summary>
public sealed record RejectedFile(string File, string Stage, string Reason, long? Line, long? Column, DateTimeOffset RejectedAt);

/// <summary>A trending list as the trending stage publishes it (<c>trending/{edition}.json</c>), under its edition's name.</summary>
public sealed record TrendingList(string Edition, DateTimeOffset? ComputedAt, IReadOnlyList<TrendingDocumentItem> Items);

/// <summary>The top trending score of one run of the trending stage.</summary>
public sealed record ScorePoint(DateTimeOffset At, double Score);

/// <summary>
/// Writes the status page: one self-contained HTML file (inline CSS, charts as inline SVG drawn
/// here, no script), readable on a phone and by a screen reader: every chart has a text
/// alternative and its numbers in a table, and outcomes are words, not only colours.
/// </summary>
public static partial class StatusPageWriter
{
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>Where the page lives in the private <c>status</c> container.</summary>
    public const string FileName = "index.html";

    /// <summary>The counts the page puts at the top, in this order, with their labels.</summary>
    private static readonly (string Count, string Label, string? OnlyStage)[] Headline =
    [
        ("ingested", "Articles ingested", null),
        ("rejected", "Files rejected", null),
        ("feedsWritten", "Feeds written", null),
        ("emailsSent", "Emails sent", "newsletter"),
    ];

    public static string Write(StatusReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var hours = (int)Math.Round(report.Window.TotalHours);
        var html = new StringBuilder(16384);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"robots\" content=\"noindex\">\n")
            .Append("<title>").Append(E($"Pipeline status: {report.SiteName}")).Append("</title>\n")
            .Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>Pipeline status</h1>\n")
            .Append("<p class=\"meta\">").Append(E(report.SiteName)).Append(" · written ").Append(Time(report.GeneratedAt))
            .Append(" · totals and charts cover the last ").Append(hours).Append(" hours</p>\n");

        WriteTotals(html, report, hours);
        WriteStages(html, report);
        WriteIngestChart(html, report, hours);
        WriteRejected(html, report);
        WriteHeld(html, report);
        WriteTrending(html, report, hours);
        WriteNewsletters(html, report);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void WriteTotals(StringBuilder html, StatusReport report, int hours)
    {
        html.Append("<section aria-labelledby=\"totals\">\n<h2 id=\"totals\">Last ").Append(hours).Append(" hours</h2>\n<dl class=\"totals\">\n");
        foreach (var (count, label, onlyStage) in Headline)
        {
            html.Append("<div><dt>").Append(E(label)).Append("</dt><dd>");
            if (onlyStage is not null && report.Stage(onlyStage) is not { LastRunAt: not null })
            {
                html.Append("<span class=\"none\">no data yet</span>");
            }
            else
            {
                html.Append(N(report.Total(count)));
            }

            html.Append("</dd></div>\n");
        }

        html.Append("</dl>\n</section>\n");
    }

    private static void WriteStages(StringBuilder html, StatusReport report)
    {
        html.Append("<section aria-labelledby=\"stages\">\n<h2 id=\"stages\">Stages</h2>\n<div class=\"scroll\"><table>\n")
            .Append("<caption>Each stage's last run, and its runs in the window</caption>\n")
            .Append("<thead><tr><th scope=\"col\">Stage</th><th scope=\"col\">Last run</th><th scope=\"col\">Outcome</th>")
            .Append("<th scope=\"col\">Runs</th><th scope=\"col\">Counted</th></tr></thead>\n<tbody>\n");
        foreach (var stage in report.Stages)
        {
            html.Append("<tr><th scope=\"row\">").Append(E(stage.Name)).Append("<br><small>").Append(E(stage.Description)).Append("</small></th>");
            if (stage.LastRunAt is not { } last)
            {
                html.Append("<td colspan=\"4\" class=\"none\">no run recorded yet</td></tr>\n");
                continue;
            }

            html.Append("<td>").Append(Time(last));
            if (stage.LastDuration is { } duration)
            {
                html.Append("<br><small>took ").Append(Duration(duration)).Append("</small>");
            }

            var outcome = stage.Outcome ?? "Unknown";
            html.Append("</td><td><span class=\"outcome ").Append(E(outcome.ToLowerInvariant())).Append("\">").Append(E(outcome)).Append("</span>");
            if (!string.IsNullOrEmpty(stage.Detail))
            {
                html.Append("<br><small>").Append(E(stage.Detail)).Append("</small>");
            }

            html.Append("</td><td>").Append(N(stage.Runs));
            if (stage.FailedRuns > 0)
            {
                html.Append("<br><small class=\"bad\">").Append(N(stage.FailedRuns)).Append(" failed</small>");
            }

            html.Append("</td><td>");
            var counted = stage.Totals.Where(kv => kv.Value != 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            html.Append(counted.Count == 0
                ? "<span class=\"none\">nothing</span>"
                : string.Join("<br>", counted.Select(kv => $"{E(Label(kv.Key))}: {N(kv.Value)}")));
            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n</section>\n");
    }

    private static void WriteIngestChart(StringBuilder html, StatusReport report, int hours)
    {
        var total = report.IngestVolume.Sum(h => h.Count);
        html.Append("<section aria-labelledby=\"volume\">\n<h2 id=\"volume\">Ingest volume</h2>\n");
        html.Append("<figure>\n");
        var description = $"Bar chart: articles ingested per hour over the last {hours} hours, {N(total)} in all, at most {N(report.IngestVolume.Select(h => h.Count).DefaultIfEmpty(0).Max())} in one hour.";
        BarChart(html, report.IngestVolume, description);
        html.Append("<figcaption>Articles ingested per hour (UTC), dropped files and agency feed items together.</figcaption>\n");
        html.Append("<details><summary>The numbers</summary><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Hour (UTC)</th><th scope=\"col\">Ingested</th></tr></thead><tbody>\n");
        foreach (var hour in report.IngestVolume.Where(h => h.Count > 0))
        {
            html.Append("<tr><td>").Append(Time(hour.Hour)).Append("</td><td>").Append(N(hour.Count)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table></div></details>\n</figure>\n</section>\n");
    }

    private static void WriteHeld(StringBuilder html, StatusReport report)
    {
        html.Append("<section aria-labelledby=\"held\">\n<h2 id=\"held\">Held by embargo</h2>\n");
        if (report.Held.Count == 0)
        {
            html.Append("<p class=\"none\">None: no story is waiting for its embargo.</p>\n</section>\n");
            return;
        }

        html.Append("<p>").Append(N(report.Held.Count)).Append(report.Held.Count == 1 ? " story is" : " stories are")
            .Append(" in no public output yet; the first feed build after each lift publishes it.</p>\n");
        html.Append("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Story</th><th scope=\"col\">Lifts</th></tr></thead>\n<tbody>\n");
        foreach (var story in report.Held)
        {
            html.Append("<tr><td>").Append(E(story.Headline)).Append("<br><small><code>").Append(E(story.Id)).Append("</code>");
            if (story.Origin is { Length: > 0 } origin)
            {
                html.Append(" from <code>").Append(E(origin)).Append("</code>");
            }

            html.Append("</small></td><td>").Append(E(story.Lifts)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n</section>\n");
    }

    private static void WriteRejected(StringBuilder html, StatusReport report)
    {
        html.Append("<section aria-labelledby=\"rejected\">\n<h2 id=\"rejected\">Rejected files</h2>\n");
        if (report.RejectedTotal == 0)
        {
            html.Append("<p class=\"none\">None: every dropped file could be read.</p>\n</section>\n");
            return;
        }

        html.Append("<p>").Append(N(report.RejectedTotal)).Append(report.RejectedTotal == 1 ? " file is" : " files are")
            .Append(" kept in <code>rejected/</code>");
        if (report.Rejected.Count < report.RejectedTotal)
        {
            html.Append(", the newest ").Append(N(report.Rejected.Count)).Append(" below");
        }

        html.Append(". Fix the file (or the reader) and drop it again: see the runbook's “Replay a rejected file”.</p>\n");
        html.Append("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Reason</th><th scope=\"col\">Rejected</th></tr></thead>\n<tbody>\n");
        foreach (var file in report.Rejected)
        {
            html.Append("<tr><td><code>").Append(E(file.File)).Append("</code></td><td>").Append(E(file.Reason));
            if (file.Line is { } line)
            {
                html.Append(" <small>(line ").Append(line.ToString(CultureInfo.InvariantCulture));
                if (file.Column is { } column)
                {
                    html.Append(", column ").Append(column.ToString(CultureInfo.InvariantCulture));
                }

                html.Append(")</small>");
            }

            html.Append("</td><td>").Append(Time(file.RejectedAt)).Append("<br><small>by ").Append(E(file.Stage)).Append("</small></td></tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n</section>\n");
    }

    private static void WriteTrending(StringBuilder html, StatusReport report, int hours)
    {
        html.Append("<section aria-labelledby=\"trending\">\n<h2 id=\"trending\">Trending</h2>\n");
        html.Append("<h3>Top score over the last ").Append(hours).Append(" hours</h3>\n");
        if (report.TopScores.Count == 0)
        {
            html.Append("<p class=\"none\">No data yet: no run of the trending stage recorded a top score.</p>\n");
        }
        else
        {
            html.Append("<figure>\n");
            LineChart(html, report.TopScores, report.GeneratedAt - report.Window, report.GeneratedAt,
                $"Line chart: the top trending score of each of {report.TopScores.Count} runs, from {F(report.TopScores.Min(p => p.Score))} to {F(report.TopScores.Max(p => p.Score))}, latest {F(report.TopScores.MaxBy(p => p.At)!.Score)}.");
            html.Append("<figcaption>The highest score of each run of the trending stage.</figcaption>\n</figure>\n");
        }

        if (report.Trending.Count == 0)
        {
            html.Append("<p class=\"none\">No data yet: no <code>trending/{edition}.json</code> published.</p>\n</section>\n");
            return;
        }

        foreach (var list in report.Trending)
        {
            html.Append("<h3>").Append(E(list.Edition)).Append("</h3>\n");
            if (list.Items.Count == 0)
            {
                html.Append("<p class=\"none\">No data yet: the list is empty.</p>\n");
                continue;
            }

            html.Append("<figure>\n");
            var top = list.Items.OrderBy(i => i.Rank).Take(10).ToList();
            ScoreChart(html, top, $"Bar chart: the top {top.Count} trending stories of {list.Edition} by score, highest {F(top.Max(i => i.Score))}.");
            html.Append("<figcaption>Top ").Append(top.Count).Append(" by score");
            if (list.ComputedAt is { } computed)
            {
                html.Append(", computed ").Append(Time(computed));
            }

            html.Append(".</figcaption>\n<details><summary>The numbers</summary><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Rank</th><th scope=\"col\">Story</th><th scope=\"col\">Score</th></tr></thead><tbody>\n");
            foreach (var item in top)
            {
                html.Append("<tr><td>").Append(item.Rank.ToString(CultureInfo.InvariantCulture)).Append("</td><td>");
                if (item.Url is { IsAbsoluteUri: true } link && link.Scheme is "https" or "http")
                {
                    html.Append("<a href=\"").Append(E(link.AbsoluteUri)).Append("\">").Append(E(item.Headline)).Append("</a>");
                }
                else
                {
                    html.Append(E(item.Headline));
                }

                html.Append("</td><td>").Append(F(item.Score)).Append("</td></tr>\n");
            }

            html.Append("</tbody></table></div></details>\n</figure>\n");
        }

        html.Append("</section>\n");
    }

    private const int ChartWidth = 960;
    private const int ChartHeight = 220;
    private const int Left = 48;
    private const int Bottom = 28;

    private static void BarChart(StringBuilder html, IReadOnlyList<HourlyCount> bars, string description)
    {
        var max = Math.Max(1, bars.Select(b => b.Count).DefaultIfEmpty(0).Max());
        var plotWidth = ChartWidth - Left - 8;
        var plotHeight = ChartHeight - Bottom - 12;
        var slot = bars.Count == 0 ? plotWidth : (double)plotWidth / bars.Count;
        html.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(ChartWidth).Append(' ').Append(ChartHeight)
            .Append("\" role=\"img\" aria-label=\"").Append(E(description)).Append("\" preserveAspectRatio=\"xMidYMid meet\">\n")
            .Append("<title>").Append(E(description)).Append("</title>\n");
        Axes(html, max.ToString(CultureInfo.InvariantCulture), plotHeight);
        for (var i = 0; i < bars.Count; i++)
        {
            var x = Left + (i * slot);
            var height = bars[i].Count * plotHeight / (double)max;
            if (bars[i].Count > 0)
            {
                html.Append("<rect class=\"bar\" x=\"").Append(F(x + 1)).Append("\" y=\"").Append(F(12 + plotHeight - height))
                    .Append("\" width=\"").Append(F(Math.Max(1, slot - 2))).Append("\" height=\"").Append(F(height)).Append("\"><title>")
                    .Append(E($"{Time(bars[i].Hour)}: {N(bars[i].Count)}")).Append("</title></rect>\n");
            }

            if (bars[i].Hour.Hour % 6 == 0)
            {
                html.Append("<text class=\"tick\" x=\"").Append(F(x + (slot / 2))).Append("\" y=\"").Append(ChartHeight - 8)
                    .Append("\" text-anchor=\"middle\">").Append(bars[i].Hour.ToString("HH:mm", CultureInfo.InvariantCulture)).Append("</text>\n");
            }
        }

        html.Append("</svg>\n");
    }

    private static void LineChart(StringBuilder html, IReadOnlyList<ScorePoint> points, DateTimeOffset from, DateTimeOffset to, string description)
    {
        var max = Math.Max(points.Max(p => p.Score), 0.000001);
        var plotWidth = ChartWidth - Left - 8;
        var plotHeight = ChartHeight - Bottom - 12;
        var span = Math.Max(1, (to - from).TotalSeconds);
        html.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(ChartWidth).Append(' ').Append(ChartHeight)
            .Append("\" role=\"img\" aria-label=\"").Append(E(description)).Append("\" preserveAspectRatio=\"xMidYMid meet\">\n")
            .Append("<title>").Append(E(description)).Append("</title>\n");
        Axes(html, F(max), plotHeight);
        var coordinates = points.OrderBy(p => p.At)
            .Select(p => (X: Left + (Math.Clamp((p.At - from).TotalSeconds / span, 0, 1) * plotWidth), Y: 12 + plotHeight - (p.Score / max * plotHeight)))
            .ToList();
        html.Append("<polyline class=\"line\" points=\"").Append(string.Join(' ', coordinates.Select(c => $"{F(c.X)},{F(c.Y)}"))).Append("\"/>\n");
        foreach (var (x, y) in coordinates)
        {
            html.Append("<circle class=\"dot\" cx=\"").Append(F(x)).Append("\" cy=\"").Append(F(y)).Append("\" r=\"3\"/>\n");
        }

        html.Append("<text class=\"tick\" x=\"").Append(Left).Append("\" y=\"").Append(ChartHeight - 8).Append("\">").Append(Time(from)).Append("</text>\n")
            .Append("<text class=\"tick\" x=\"").Append(ChartWidth - 8).Append("\" y=\"").Append(ChartHeight - 8).Append("\" text-anchor=\"end\">").Append(Time(to)).Append("</text>\n")
            .Append("</svg>\n");
    }

    /// <summary>Horizontal bars, one per story, the headline above its bar so that long ones stay readable on a phone.</summary>
    private static void ScoreChart(StringBuilder html, List<TrendingDocumentItem> items, string description)
    {
        const int Row = 40;
        var max = Math.Max(items.Max(i => i.Score), 0.000001);
        var height = (items.Count * Row) + 8;
        html.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(ChartWidth).Append(' ').Append(height)
            .Append("\" role=\"img\" aria-label=\"").Append(E(description)).Append("\" preserveAspectRatio=\"xMidYMid meet\">\n")
            .Append("<title>").Append(E(description)).Append("</title>\n");
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var y = 4 + (i * Row);
            var width = Math.Max(2, item.Score / max * (ChartWidth - 120));
            var headline = item.Headline.Length > 90 ? item.Headline[..89] + "…" : item.Headline;
            html.Append("<text class=\"label\" x=\"0\" y=\"").Append(y + 14).Append("\">").Append(item.Rank.ToString(CultureInfo.InvariantCulture))
                .Append(". ").Append(E(headline)).Append("</text>\n")
                .Append("<rect class=\"bar\" x=\"0\" y=\"").Append(y + 20).Append("\" width=\"").Append(F(width)).Append("\" height=\"14\"/>\n")
                .Append("<text class=\"tick\" x=\"").Append(F(width + 6)).Append("\" y=\"").Append(y + 32).Append("\">").Append(F(item.Score)).Append("</text>\n");
        }

        html.Append("</svg>\n");
    }

    private static void Axes(StringBuilder html, string maxLabel, int plotHeight)
    {
        html.Append("<line class=\"axis\" x1=\"").Append(Left).Append("\" y1=\"12\" x2=\"").Append(Left).Append("\" y2=\"").Append(12 + plotHeight).Append("\"/>\n")
            .Append("<line class=\"axis\" x1=\"").Append(Left).Append("\" y1=\"").Append(12 + plotHeight).Append("\" x2=\"").Append(ChartWidth - 8).Append("\" y2=\"").Append(12 + plotHeight).Append("\"/>\n")
            .Append("<text class=\"tick\" x=\"").Append(Left - 6).Append("\" y=\"18\" text-anchor=\"end\">").Append(E(maxLabel)).Append("</text>\n")
            .Append("<text class=\"tick\" x=\"").Append(Left - 6).Append("\" y=\"").Append(12 + plotHeight).Append("\" text-anchor=\"end\">0</text>\n");
    }

    /// <summary>A count's name as a person reads it: <c>feedsWritten</c> → "feeds written".</summary>
    private static string Label(string count)
    {
        var label = new StringBuilder(count.Length + 4);
        foreach (var c in count)
        {
            if (char.IsUpper(c))
            {
                label.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                label.Append(c);
            }
        }

        return label.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double d) => d.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan d) =>
        d.TotalSeconds < 1 ? $"{(int)d.TotalMilliseconds} ms" : d.TotalMinutes < 1 ? $"{d.TotalSeconds:0.#} s" : $"{(int)d.TotalMinutes} min {d.Seconds} s";

    private const string Css =
        ":root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#595959;--line:#d0d0d0;--bar:#1f5fa8;--ok:#146c2e;--warn:#8a5300;--bad:#b3261e}\n" +
        "@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#121212;--muted:#b0b0b0;--line:#444;--bar:#7fb0ea;--ok:#7fd49b;--warn:#f0b860;--bad:#ff8a80}}\n" +
        "body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif}\n" +
        "main{max-width:64rem;margin:0 auto;padding:1rem}\n" +
        "h1{margin:.5rem 0 0}.meta{color:var(--muted);margin-top:.25rem}\n" +
        "section{margin:2rem 0}h2{border-bottom:1px solid var(--line);padding-bottom:.25rem}\n" +
        ".totals{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:1rem;margin:0}\n" +
        ".totals div{border:1px solid var(--line);border-radius:.5rem;padding:.75rem}\n" +
        ".totals dt{color:var(--muted)}.totals dd{margin:0;font-size:2rem;font-weight:600}\n" +
        ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}caption{text-align:left;color:var(--muted);padding:.25rem 0}\n" +
        "th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid var(--line)}small{color:var(--muted);font-weight:400}\n" +
        "code{overflow-wrap:anywhere}.none{color:var(--muted);font-style:italic}\n" +
        ".outcome{font-weight:600}.outcome.succeeded{color:var(--ok)}.outcome.warning{color:var(--warn)}.outcome.failed,.bad{color:var(--bad)}\n" +
        ".outcome.succeeded::before{content:'✓ '}.outcome.warning::before{content:'! '}.outcome.failed::before{content:'✗ '}\n" +
        "figure{margin:1rem 0}figcaption{color:var(--muted)}svg.chart{width:100%;height:auto;display:block}\n" +
        "svg .bar{fill:var(--bar)}svg .axis{stroke:var(--muted)}svg .line{fill:none;stroke:var(--bar);stroke-width:2}svg .dot{fill:var(--bar)}\n" +
        "svg text{fill:var(--fg);font:14px system-ui,sans-serif}svg .tick{fill:var(--muted);font-size:13px}\n" +
        "details{margin-top:.5rem}summary{cursor:pointer}\n";
}
