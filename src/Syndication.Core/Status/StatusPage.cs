using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Fluid;
using Syndication.Core.Newsletters;
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
/// alternative and its numbers in a table, and outcomes are words, not only colours. The markup
/// is the Liquid template <c>Status/Templates/status.html.liquid</c> (and <c>chart.svg.liquid</c>
/// for each chart), rendered by Fluid with HTML encoding on, as the newsletters are; this class
/// turns a <see cref="StatusReport"/> into the words, numbers and chart geometry it shows.
/// </summary>
public static partial class StatusPageWriter
{
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>Where the page lives in the private <c>status</c> container.</summary>
    public const string FileName = "index.html";

    private static readonly TemplateOptions Options = NewsletterTemplates.Options(
        typeof(PageView), typeof(TotalView), typeof(StageView), typeof(CountView), typeof(IngestView), typeof(HourView),
        typeof(RejectedView), typeof(RejectedFileView), typeof(HeldView), typeof(HeldStoryView), typeof(TrendingView),
        typeof(TrendingListView), typeof(TrendingItemView), typeof(NewslettersView), typeof(IssueView), typeof(IssueRowView),
        typeof(DayView), typeof(ChartView), typeof(Shape));

    private static readonly IFluidTemplate PageTemplate = NewsletterTemplates.Parse("status.html.liquid", "Status");
    private static readonly IFluidTemplate ChartTemplate = NewsletterTemplates.Parse("chart.svg.liquid", "Status");

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
        var view = new PageView(
            report.SiteName,
            Time(report.GeneratedAt),
            hours.ToString(CultureInfo.InvariantCulture),
            [.. Headline.Select(h => new TotalView(h.Label, h.OnlyStage is not null && report.Stage(h.OnlyStage) is not { LastRunAt: not null } ? null : N(report.Total(h.Count))))],
            [.. report.Stages.Select(Stage)],
            Ingest(report, hours),
            Rejected(report),
            Held(report),
            Trending(report),
            Newsletters(report));
        return Render(PageTemplate, view);
    }

    private static string Render(IFluidTemplate template, object view) =>
        template.Render(new TemplateContext(view, Options, allowModelMembers: true), HtmlEncoder.Default);

    private static StageView Stage(StageStatus stage)
    {
        var outcome = stage.Outcome ?? "Unknown";
        return new StageView(
            stage.Name,
            stage.Description,
            stage.LastRunAt is { } last ? Time(last) : null,
            stage.LastDuration is { } duration ? Duration(duration) : null,
            outcome,
            outcome.ToLowerInvariant(),
            string.IsNullOrEmpty(stage.Detail) ? null : stage.Detail,
            N(stage.Runs),
            stage.FailedRuns > 0 ? N(stage.FailedRuns) : null,
            [.. stage.Totals.Where(kv => kv.Value != 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new CountView(Label(kv.Key), N(kv.Value)))]);
    }

    private static IngestView Ingest(StatusReport report, int hours)
    {
        var total = report.IngestVolume.Sum(h => h.Count);
        var description = $"Bar chart: articles ingested per hour over the last {hours} hours, {N(total)} in all, at most {N(report.IngestVolume.Select(h => h.Count).DefaultIfEmpty(0).Max())} in one hour.";
        return new IngestView(
            BarChart(report.IngestVolume, description),
            [.. report.IngestVolume.Where(h => h.Count > 0).Select(h => new HourView(Time(h.Hour), N(h.Count)))]);
    }

    private static RejectedView Rejected(StatusReport report) => new(
        report.RejectedTotal == 0 ? null : N(report.RejectedTotal),
        report.RejectedTotal == 1 ? "file is" : "files are",
        report.Rejected.Count < report.RejectedTotal ? N(report.Rejected.Count) : null,
        [.. report.Rejected.Select(f => new RejectedFileView(
            f.File,
            f.Reason,
            f.Line?.ToString(CultureInfo.InvariantCulture),
            f.Column?.ToString(CultureInfo.InvariantCulture),
            Time(f.RejectedAt),
            f.Stage))]);

    private static HeldView Held(StatusReport report) => new(
        report.Held.Count == 0 ? null : N(report.Held.Count),
        report.Held.Count == 1 ? "story is" : "stories are",
        [.. report.Held.Select(s => new HeldStoryView(s.Headline, s.Id, s.Origin is { Length: > 0 } origin ? origin : null, s.Lifts))]);

    private static TrendingView Trending(StatusReport report)
    {
        var scores = report.TopScores.Count == 0 ? null : LineChart(report.TopScores, report.GeneratedAt - report.Window, report.GeneratedAt,
            $"Line chart: the top trending score of each of {report.TopScores.Count} runs, from {F(report.TopScores.Min(p => p.Score))} to {F(report.TopScores.Max(p => p.Score))}, latest {F(report.TopScores.MaxBy(p => p.At)!.Score)}.");
        return new TrendingView(scores, [.. report.Trending.Select(TrendingList)]);
    }

    private static TrendingListView TrendingList(TrendingList list)
    {
        if (list.Items.Count == 0)
        {
            return new TrendingListView(list.Edition, null, null, null, []);
        }

        var top = list.Items.OrderBy(i => i.Rank).Take(10).ToList();
        return new TrendingListView(
            list.Edition,
            ScoreChart(top, $"Bar chart: the top {top.Count} trending stories of {list.Edition} by score, highest {F(top.Max(i => i.Score))}."),
            top.Count.ToString(CultureInfo.InvariantCulture),
            list.ComputedAt is { } computed ? Time(computed) : null,
            [.. top.Select(item => new TrendingItemView(
                item.Rank.ToString(CultureInfo.InvariantCulture),
                item.Headline,
                item.Url is { IsAbsoluteUri: true } link && link.Scheme is "https" or "http" ? link.AbsoluteUri : null,
                F(item.Score)))]);
    }

    private const int ChartWidth = 960;
    private const int ChartHeight = 220;
    private const int Left = 48;
    private const int Bottom = 28;

    private static string BarChart(IReadOnlyList<HourlyCount> bars, string description)
    {
        var max = Math.Max(1, bars.Select(b => b.Count).DefaultIfEmpty(0).Max());
        var plotWidth = ChartWidth - Left - 8;
        var plotHeight = ChartHeight - Bottom - 12;
        var slot = bars.Count == 0 ? plotWidth : (double)plotWidth / bars.Count;
        var shapes = Axes(max.ToString(CultureInfo.InvariantCulture), plotHeight);
        for (var i = 0; i < bars.Count; i++)
        {
            var x = Left + (i * slot);
            var height = bars[i].Count * plotHeight / (double)max;
            if (bars[i].Count > 0)
            {
                shapes.Add(Shape.Bar("bar", F(x + 1), F(12 + plotHeight - height), F(Math.Max(1, slot - 2)), F(height), $"{Time(bars[i].Hour)}: {N(bars[i].Count)}"));
            }

            if (bars[i].Hour.Hour % 6 == 0)
            {
                shapes.Add(Shape.TextAt("tick", F(x + (slot / 2)), I(ChartHeight - 8), "middle", bars[i].Hour.ToString("HH:mm", CultureInfo.InvariantCulture)));
            }
        }

        return Chart(ChartHeight, description, shapes);
    }

    private static string LineChart(IReadOnlyList<ScorePoint> points, DateTimeOffset from, DateTimeOffset to, string description)
    {
        var max = Math.Max(points.Max(p => p.Score), 0.000001);
        var plotWidth = ChartWidth - Left - 8;
        var plotHeight = ChartHeight - Bottom - 12;
        var span = Math.Max(1, (to - from).TotalSeconds);
        var shapes = Axes(F(max), plotHeight);
        var coordinates = points.OrderBy(p => p.At)
            .Select(p => (X: Left + (Math.Clamp((p.At - from).TotalSeconds / span, 0, 1) * plotWidth), Y: 12 + plotHeight - (p.Score / max * plotHeight)))
            .ToList();
        shapes.Add(new Shape("polyline", "line") { Points = string.Join(' ', coordinates.Select(c => $"{F(c.X)},{F(c.Y)}")) });
        shapes.AddRange(coordinates.Select(c => new Shape("circle", "dot") { X = F(c.X), Y = F(c.Y) }));
        shapes.Add(Shape.TextAt("tick", I(Left), I(ChartHeight - 8), null, Time(from)));
        shapes.Add(Shape.TextAt("tick", I(ChartWidth - 8), I(ChartHeight - 8), "end", Time(to)));
        return Chart(ChartHeight, description, shapes);
    }

    /// <summary>Horizontal bars, one per story, the headline above its bar so that long ones stay readable on a phone.</summary>
    private static string ScoreChart(List<TrendingDocumentItem> items, string description)
    {
        const int Row = 40;
        var max = Math.Max(items.Max(i => i.Score), 0.000001);
        var shapes = new List<Shape>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var y = 4 + (i * Row);
            var width = Math.Max(2, item.Score / max * (ChartWidth - 120));
            var headline = item.Headline.Length > 90 ? item.Headline[..89] + "…" : item.Headline;
            shapes.Add(Shape.TextAt("label", "0", I(y + 14), null, $"{item.Rank.ToString(CultureInfo.InvariantCulture)}. {headline}"));
            shapes.Add(Shape.Bar("bar", "0", I(y + 20), F(width), "14", null));
            shapes.Add(Shape.TextAt("tick", F(width + 6), I(y + 32), null, F(item.Score)));
        }

        return Chart((items.Count * Row) + 8, description, shapes);
    }

    private static List<Shape> Axes(string maxLabel, int plotHeight) =>
    [
        new Shape("line", "axis") { X = I(Left), Y = "12", X2 = I(Left), Y2 = I(12 + plotHeight) },
        new Shape("line", "axis") { X = I(Left), Y = I(12 + plotHeight), X2 = I(ChartWidth - 8), Y2 = I(12 + plotHeight) },
        Shape.TextAt("tick", I(Left - 6), "18", "end", maxLabel),
        Shape.TextAt("tick", I(Left - 6), I(12 + plotHeight), "end", "0"),
    ];

    private static string Chart(int height, string description, List<Shape> shapes) =>
        Render(ChartTemplate, new ChartView(I(ChartWidth), I(height), description, shapes));

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

    private static string I(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double d) => d.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan d) =>
        d.TotalSeconds < 1 ? $"{(int)d.TotalMilliseconds} ms" : d.TotalMinutes < 1 ? $"{d.TotalSeconds:0.#} s" : $"{(int)d.TotalMinutes} min {d.Seconds} s";
}
