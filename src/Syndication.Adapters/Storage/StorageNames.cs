namespace Syndication.Adapters.Storage;

/// <summary>The containers and tables of one Syndication deployment.</summary>
public static class StorageNames
{
    /// <summary>Drop zone: files put here are ingested, then moved to <see cref="ArchiveContainer"/> or <see cref="RejectedContainer"/>.</summary>
    public const string IncomingContainer = "incoming";

    /// <summary>Original bytes of every ingested file, by date of ingestion.</summary>
    public const string ArchiveContainer = "archive";

    /// <summary>Files that could not be ingested: the original plus <c>{name}.error.json</c>.</summary>
    public const string RejectedContainer = "rejected";

    /// <summary>One canonical JSON document per article, <c>{id}.json</c>.</summary>
    public const string ArticlesContainer = "articles";

    /// <summary>The public feeds readers poll; anonymous read of blobs.</summary>
    public const string FeedsContainer = "feeds";

    /// <summary>Newest-first index of articles per scope (all, edition, sector, section).</summary>
    public const string ArticleIndexTable = "ArticleIndex";

    /// <summary>Changes of articles not yet applied to the index and the feeds: a queue read in batches.</summary>
    public const string ArticleChangesTable = "ArticleChanges";

    /// <summary>The status page for editors and operators (<c>index.html</c>): private, read with a sign-in or a short-lived link.</summary>
    public const string StatusContainer = "status";

    /// <summary>
    /// Page-view logs (JSON lines) as a CDN or analytics export writes them; counted once each into
    /// <see cref="PageViewCountsTable"/> and marked with metadata, left in place for a lifecycle rule to expire.
    /// </summary>
    public const string PageViewsContainer = "pageviews";

    /// <summary>Every newsletter issue as a web page, <c>{issue}.html</c> ("view in browser").</summary>
    public const string NewslettersContainer = "newsletters";

    /// <summary>The local mail sink: <c>.eml</c> files of every email, when no SendGrid key is configured.</summary>
    public const string OutboxContainer = "outbox";

    public static IReadOnlyList<string> PrivateContainers { get; } =
        [IncomingContainer, ArchiveContainer, RejectedContainer, ArticlesContainer, PageViewsContainer, StatusContainer, NewslettersContainer, OutboxContainer];

    /// <summary>Poll state of each agency feed: validators, back-off, last outcome.</summary>
    public const string UpstreamFeedsTable = "UpstreamFeeds";

    /// <summary>One row per run of a stage (partition = stage, newest first): when, how it ended, what it counted.</summary>
    public const string StageRunsTable = "StageRuns";

    /// <summary>Human views per UTC hour (partition), edition and article (row), with the files already counted into each row.</summary>
    public const string PageViewCountsTable = "PageViewCounts";

    /// <summary>Newsletter subscribers: one partition per edition (a send lists it with one query) and one row per id (links).</summary>
    public const string SubscribersTable = "Subscribers";

    /// <summary>Addresses never to mail again (hard bounces, spam reports), by HMAC subscriber id: they outlive deletion and re-signup.</summary>
    public const string SuppressionsTable = "Suppressions";

    /// <summary>What each issue sent to whom: written before sending, so a crashed run resumes with only the unsent.</summary>
    public const string SendLedgerTable = "SendLedger";

    /// <summary>SendGrid webhook events already handled, by <c>sg_event_id</c>.</summary>
    public const string NewsletterEventsTable = "NewsletterEvents";

    /// <summary>Fixed-window request counts of the subscribe form, per address and per client.</summary>
    public const string RateLimitsTable = "RateLimits";

    public static IReadOnlyList<string> Tables { get; } =
        [ArticleIndexTable, ArticleChangesTable, UpstreamFeedsTable, PageViewCountsTable, StageRunsTable, SubscribersTable, SuppressionsTable, SendLedgerTable, NewsletterEventsTable, RateLimitsTable];
}
