namespace Syndication.Core.Status;

/// <summary>
/// What the status page template reads: words and numbers already formatted (invariant culture),
/// null where the page says "none" or leaves a part out. Fluid reads only these types.
/// </summary>
public static partial class StatusPageWriter
{
    private sealed record PageView(
        string SiteName,
        string Written,
        string Hours,
        IReadOnlyList<TotalView> Totals,
        IReadOnlyList<StageView> Stages,
        IngestView Ingest,
        RejectedView Rejected,
        HeldView Held,
        TrendingView Trending,
        NewslettersView Newsletters);

    /// <summary>A headline count; <paramref name="Value"/> null when its stage never ran ("no data yet").</summary>
    private sealed record TotalView(string Label, string? Value);

    /// <summary>A stage's row; <paramref name="LastRun"/> null when it never ran.</summary>
    private sealed record StageView(
        string Name,
        string Description,
        string? LastRun,
        string? Took,
        string Outcome,
        string OutcomeClass,
        string? Detail,
        string Runs,
        string? Failed,
        IReadOnlyList<CountView> Counted);

    private sealed record CountView(string Label, string Value);

    private sealed record IngestView(string Chart, IReadOnlyList<HourView> Hours);

    private sealed record HourView(string Hour, string Count);

    /// <summary><paramref name="Total"/> null when nothing is rejected; <paramref name="Newest"/> set when only the newest are listed.</summary>
    private sealed record RejectedView(string? Total, string Noun, string? Newest, IReadOnlyList<RejectedFileView> Files);

    private sealed record RejectedFileView(string File, string Reason, string? Line, string? Column, string At, string Stage);

    private sealed record HeldView(string? Count, string Noun, IReadOnlyList<HeldStoryView> Stories);

    private sealed record HeldStoryView(string Headline, string Id, string? Origin, string Lifts);

    /// <summary><paramref name="Scores"/>: the top-score chart's markup, null without runs.</summary>
    private sealed record TrendingView(string? Scores, IReadOnlyList<TrendingListView> Lists);

    /// <summary><paramref name="Chart"/> null when the list is empty.</summary>
    private sealed record TrendingListView(string Edition, string? Chart, string? Top, string? Computed, IReadOnlyList<TrendingItemView> Items);

    /// <summary><paramref name="Url"/>: only an absolute http(s) link, else the headline is plain text.</summary>
    private sealed record TrendingItemView(string Rank, string Headline, string? Url, string Score);

    private sealed record NewslettersView(string Days, IReadOnlyList<IssueView> Issues, string? Chart, string Description, IReadOnlyList<DayView> PerDay);

    private sealed record IssueView(
        string Key,
        string Started,
        string Sent,
        string? Failed,
        string? ThrottledUntil,
        string? ThrottleReason,
        bool Unfinished,
        IReadOnlyList<IssueRowView> Rows);

    /// <summary>A row of an issue's table; <paramref name="SpamLevel"/> (<c>warning</c>, <c>over-limit</c>) marks a spam rate over Gmail's lines.</summary>
    private sealed record IssueRowView(string What, string Count, string Rate, string? SpamLevel);

    private sealed record DayView(string Day, string Sent, string Delivered, string Opened, string Clicked, string SpamReports, string SpamRate);

    private sealed record ChartView(string Width, string Height, string Description, IReadOnlyList<Shape> Shapes);

    /// <summary>One SVG element of a chart (<c>line</c>, <c>text</c>, <c>rect</c>, <c>polyline</c>, <c>circle</c>): coordinates as they are written.</summary>
    private sealed record Shape(string Kind, string Css)
    {
        public string? X { get; init; }

        public string? Y { get; init; }

        public string? X2 { get; init; }

        public string? Y2 { get; init; }

        public string? Width { get; init; }

        public string? Height { get; init; }

        public string? Anchor { get; init; }

        /// <summary>A text's words, or a bar's tooltip.</summary>
        public string? Text { get; init; }

        public string? Points { get; init; }

        public static Shape TextAt(string css, string x, string y, string? anchor, string text) =>
            new("text", css) { X = x, Y = y, Anchor = anchor, Text = text };

        public static Shape Bar(string css, string x, string y, string width, string height, string? title) =>
            new("rect", css) { X = x, Y = y, Width = width, Height = height, Text = title };
    }
}
