namespace Syndication.Core.Catalog;

/// <summary>The agency feeds to poll (<c>Syndication:Upstream</c>). Only these URLs are ever fetched.</summary>
public sealed class UpstreamOptions
{
    public List<UpstreamFeed> Feeds { get; set; } = [];

    /// <summary>The feeds to poll: entries left blank (as in the settings sample) are not feeds.</summary>
    public IEnumerable<UpstreamFeed> Configured =>
        Feeds.Where(f => !(string.IsNullOrWhiteSpace(f.Name) && string.IsNullOrWhiteSpace(f.Url)));

    /// <summary>Responses larger than this are cut off and the poll counted as failed.</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Whole-request time limit, connection and body included.</summary>
    public int TimeoutSeconds { get; set; } = 20;

    public int MaxRedirects { get; set; } = 5;

    /// <summary>Shortest time between two polls of one feed, whatever the timer's schedule.</summary>
    public int MinIntervalMinutes { get; set; } = 5;

    /// <summary>
    /// Longest time between two polls of one feed that answers: a feed's <c>ttl</c>, its
    /// <c>Cache-Control</c>/<c>Expires</c> and its <c>skipHours</c>/<c>skipDays</c> are honoured up to this.
    /// </summary>
    public int MaxIntervalMinutes { get; set; } = 120;

    /// <summary>Longest back-off after repeated failures.</summary>
    public int MaxBackoffMinutes { get; set; } = 360;

    /// <summary>Pause between the end of one request to a host and the start of the next (requests to one host never overlap).</summary>
    public int HostGapMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Lets polls reach loopback and private addresses. Off in production, so a configured URL or a
    /// redirect cannot be used to reach the host's own network; tests and local runs turn it on.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    public string UserAgent { get; set; } = "Syndication/1.0 (+https://news.example.com/feeds)";

    internal IEnumerable<string> Validate()
    {
        foreach (var feed in Configured)
        {
            if (string.IsNullOrWhiteSpace(feed.Name) || feed.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                yield return $"Upstream feed name '{feed.Name}' must be letters, digits, '-' or '_'.";
            }

            if (!string.IsNullOrWhiteSpace(feed.Source) && feed.Source.Trim().Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                yield return $"Upstream feed '{feed.Name}' has source '{feed.Source}', which must be letters, digits, '-' or '_'.";
            }

            if (!Uri.TryCreate(feed.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                yield return $"Upstream feed '{feed.Name}' has URL '{feed.Url}', which is not an absolute http(s) URL.";
            }

            if (feed.TimeZone is { Length: > 0 } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            {
                yield return $"Upstream feed '{feed.Name}' has time zone '{zone}', which is not an IANA zone.";
            }
        }

        foreach (var duplicate in Configured.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return $"Upstream feed name '{duplicate.Key}' is configured more than once.";
        }

        if (TimeoutSeconds is < 1 or > 300)
        {
            yield return $"Syndication:Upstream:TimeoutSeconds must be between 1 and 300, not {TimeoutSeconds}.";
        }

        if (MinIntervalMinutes < 1 || MaxIntervalMinutes < MinIntervalMinutes || MaxIntervalMinutes > 7 * 24 * 60)
        {
            yield return $"Syndication:Upstream:MinIntervalMinutes ({MinIntervalMinutes}) must be at least 1 and MaxIntervalMinutes ({MaxIntervalMinutes}) between it and a week.";
        }

        if (HostGapMilliseconds is < 0 or > 60_000)
        {
            yield return $"Syndication:Upstream:HostGapMilliseconds must be between 0 and 60000, not {HostGapMilliseconds}.";
        }

        if (MaxRedirects is < 0 or > 20)
        {
            yield return $"Syndication:Upstream:MaxRedirects must be between 0 and 20, not {MaxRedirects}.";
        }
    }
}

/// <summary>One agency feed.</summary>
public sealed class UpstreamFeed
{
    /// <summary>Short name used in state, archives and logs (<c>reuters-world</c>).</summary>
    public string Name { get; set; } = "";

    public string Url { get; set; } = "";

    /// <summary>
    /// The namespace of this feed's item ids (guids, Atom ids): the same id from two sources is two
    /// stories. Empty: the feed is its own source (its name). Feeds that are one stream (an agency's
    /// RSS and Atom of the same wire) declare the same source, so an item seen in both is one story.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>The source this feed's items belong to: <see cref="Source"/>, else <see cref="Name"/>.</summary>
    public string SourceName => string.IsNullOrWhiteSpace(Source) ? Name : Source.Trim();

    /// <summary>Attribution kept on every article from this feed (<c>Reuters</c>).</summary>
    public string? Agency { get; set; }

    /// <summary>Editions every item of this feed belongs to, besides those its places give.</summary>
    public List<string> Editions { get; set; } = [];

    /// <summary>Sectors every item of this feed belongs to, besides those its categories give.</summary>
    public List<string> Sectors { get; set; } = [];

    /// <summary>Section of every item (News unless the feed is, say, an opinion column).</summary>
    public string? Section { get; set; }

    /// <summary>
    /// IANA zone of the feed's publisher: decides what an ambiguous zone abbreviation or a date
    /// without offset means (IST is India, <c>Asia/Kolkata</c>, for an Indian source).
    /// </summary>
    public string? TimeZone { get; set; }
}
