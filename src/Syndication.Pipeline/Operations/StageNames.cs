namespace Syndication.Pipeline.Operations;

/// <summary>
/// The stages as runs, metrics and the status page name them. A new stage adds its name here (and
/// to <see cref="All"/>) so that the status page reads its runs.
/// </summary>
public static class StageNames
{
    public const string Ingest = "ingest";
    public const string Upstream = "upstream";
    public const string Feeds = "feeds";
    public const string Trending = "trending";
    public const string PageViews = "pageviews";
    public const string Newsletter = "newsletter";
    public const string Alerts = "alerts";
    public const string Status = "status";

    /// <summary>In the order the status page lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Ingest, Upstream, Feeds, PageViews, Trending, Newsletter, Alerts, Status];
}

/// <summary>
/// The names of what stages count. Each is a counter of the <c>Syndication</c> meter
/// (<see cref="PipelineMetrics"/>), tagged with the stage, and a count of the run in <c>StageRuns</c>.
/// </summary>
public static class StageCounts
{
    /// <summary>Articles stored new or as a new version (dropped files and agency feed items).</summary>
    public const string Ingested = "ingested";

    /// <summary>Files or feed items that could not be read; dropped files are kept in <c>rejected/</c>.</summary>
    public const string Rejected = "rejected";

    /// <summary>Re-drops and re-polled items with the same content as the stored article: nothing written.</summary>
    public const string Duplicates = "duplicates";

    /// <summary>Feed files (and the directory, OPML) uploaded because their bytes changed.</summary>
    public const string FeedsWritten = "feedsWritten";

    /// <summary>Feed files rebuilt with the same bytes: not uploaded.</summary>
    public const string FeedsUnchanged = "feedsUnchanged";

    /// <summary>Agency feeds asked (fetched or 304), not those skipped as not due.</summary>
    public const string UpstreamPolled = "upstreamPolled";

    /// <summary>Agency feeds that gave no usable answer (backed off).</summary>
    public const string UpstreamFailed = "upstreamFailed";

    /// <summary>For the newsletter stage: mails SendGrid accepted (or written to <c>outbox/</c>).</summary>
    public const string EmailsSent = "emailsSent";

    /// <summary>For the newsletter stage: mails that failed after their retries.</summary>
    public const string EmailsFailed = "emailsFailed";

    /// <summary>For the page-view stage: page-view lines counted.</summary>
    public const string PageViewsCounted = "pageViewsCounted";

    /// <summary>Every count with its meter instrument name and description.</summary>
    public static IReadOnlyDictionary<string, (string Instrument, string Description)> Instruments { get; } =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            [Ingested] = ("syndication.articles.ingested", "Articles stored new or as a new version."),
            [Rejected] = ("syndication.files.rejected", "Files or feed items that could not be read."),
            [Duplicates] = ("syndication.articles.duplicates", "Drops and items identical to the stored article."),
            [FeedsWritten] = ("syndication.feeds.written", "Feed files uploaded because their bytes changed."),
            [FeedsUnchanged] = ("syndication.feeds.unchanged", "Feed files rebuilt with unchanged bytes."),
            [UpstreamPolled] = ("syndication.upstream.polled", "Agency feeds polled."),
            [UpstreamFailed] = ("syndication.upstream.failed", "Agency feed polls that failed."),
            [EmailsSent] = ("syndication.emails.sent", "Newsletter mails sent."),
            [EmailsFailed] = ("syndication.emails.failed", "Newsletter mails that failed after retries."),
            [PageViewsCounted] = ("syndication.pageviews.counted", "Page views counted."),
        };
}

/// <summary>Names of measurements a run records that are not counts.</summary>
public static class StageValues
{
    /// <summary>For the trending stage: the highest score of the run (the status page charts it over 48 hours).</summary>
    public const string TopTrendingScore = "topTrendingScore";
}
