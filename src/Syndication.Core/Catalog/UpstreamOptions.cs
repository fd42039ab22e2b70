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

    /// <summary>Longest back-off after repeated failures.</summary>
    public int MaxBackoffMinutes { get; set; } = 360;

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
