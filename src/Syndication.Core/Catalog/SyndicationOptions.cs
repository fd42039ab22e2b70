namespace Syndication.Core.Catalog;

/// <summary>
/// Everything a publisher configures, bound from the <c>Syndication</c> configuration section
/// (<c>Syndication__Site__BaseUrl</c> as an environment variable or app setting).
/// </summary>
public sealed class SyndicationOptions
{
    public const string SectionName = "Syndication";

    public SiteOptions Site { get; set; } = new();

    /// <summary>Regional editions; the defaults of <see cref="PublicationCatalog"/> when none are configured.</summary>
    public List<Edition> Editions { get; set; } = [];

    /// <summary>Sectors mapped to IPTC Media Topics; the defaults of <see cref="PublicationCatalog"/> when none are configured.</summary>
    public List<Sector> Sectors { get; set; } = [];

    public IngestOptions Ingest { get; set; } = new();

    public FeedOptions Feeds { get; set; } = new();

    public UpstreamOptions Upstream { get; set; } = new();

    /// <summary>Checks every setting once at start-up and names each that is wrong.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(Site.BaseUrl, UriKind.Absolute, out var site) || site.Scheme is not ("https" or "http"))
        {
            errors.Add($"Syndication:Site:BaseUrl must be an absolute http(s) URL, not '{Site.BaseUrl}'.");
        }

        if (string.IsNullOrWhiteSpace(Site.Name))
        {
            errors.Add("Syndication:Site:Name must not be empty.");
        }

        if (Feeds.PublicBaseUrl is { Length: > 0 } publicBase && !Uri.TryCreate(publicBase, UriKind.Absolute, out _))
        {
            errors.Add($"Syndication:Feeds:PublicBaseUrl must be an absolute URL, not '{publicBase}'.");
        }

        if (Feeds.HubUrl is { Length: > 0 } hub && !(Uri.TryCreate(hub, UriKind.Absolute, out var hubUri) && hubUri.Scheme is "https" or "http"))
        {
            errors.Add($"Syndication:Feeds:HubUrl must be an absolute http(s) URL, not '{hub}'.");
        }

        if (Feeds.MaxBytes is < 10_000 or > 10_000_000)
        {
            errors.Add($"Syndication:Feeds:MaxBytes must be between 10,000 and 10,000,000, not {Feeds.MaxBytes}.");
        }

        if (Feeds.CoalesceSeconds is < 0 or > 60)
        {
            errors.Add($"Syndication:Feeds:CoalesceSeconds must be between 0 and 60, not {Feeds.CoalesceSeconds}.");
        }

        if (Feeds.MaxItems is < 1 or > 1000)
        {
            errors.Add($"Syndication:Feeds:MaxItems must be between 1 and 1000, not {Feeds.MaxItems}.");
        }

        if (Feeds.ArchivePageItems is < 10 or > 1000)
        {
            errors.Add($"Syndication:Feeds:ArchivePageItems must be between 10 and 1000, not {Feeds.ArchivePageItems}.");
        }

        if (Ingest.MaxFileBytes is < 1024 or > 100 * 1024 * 1024)
        {
            errors.Add($"Syndication:Ingest:MaxFileBytes must be between 1 KiB and 100 MiB, not {Ingest.MaxFileBytes}.");
        }

        if (Ingest.FutureDateToleranceMinutes is < 0 or > 24 * 60)
        {
            errors.Add($"Syndication:Ingest:FutureDateToleranceMinutes must be between 0 and 1440, not {Ingest.FutureDateToleranceMinutes}.");
        }

        foreach (var host in Ingest.IframeHosts ?? [])
        {
            if (Uri.CheckHostName(host?.Trim()) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            {
                errors.Add($"Syndication:Ingest:IframeHosts must hold host names such as www.youtube.com, not '{host}'.");
            }
        }

        errors.AddRange(Upstream.Validate());
        var catalog = new PublicationCatalog(this);
        errors.AddRange(catalog.Validate());
        return errors;
    }
}

public sealed class SiteOptions
{
    /// <summary>Where article URLs live: <c>{BaseUrl}/{section}/{slug}</c>.</summary>
    public string BaseUrl { get; set; } = "https://news.example.com";

    public string Name { get; set; } = "Syndication News";

    public string Description { get; set; } = "News by sector and edition.";

    public string Language { get; set; } = "en";
}

public sealed class IngestOptions
{
    /// <summary>Files larger than this are rejected unread.</summary>
    public long MaxFileBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// How far ahead of our clock a source's date may be before it is distrusted and replaced by
    /// the ingestion time (see <see cref="Ingestion.Normalization.DatePolicy"/>).
    /// </summary>
    public int FutureDateToleranceMinutes { get; set; } = 15;

    /// <summary>
    /// Hosts whose iframes (video players) are kept in article bodies; null keeps the defaults of
    /// <see cref="Ingestion.Normalization.HtmlCleaner.DefaultIframeHosts"/>, an empty list keeps none.
    /// </summary>
    /// <remarks>Null rather than pre-filled: the configuration binder adds to a list it finds filled.</remarks>
    public List<string>? IframeHosts { get; set; }
}

public sealed class FeedOptions
{
    /// <summary>Items per feed, newest first.</summary>
    public int MaxItems { get; set; } = 50;

    /// <summary>
    /// The public URL of the <c>feeds</c> container as readers see it (a CDN or custom domain);
    /// empty means the storage account's own URL.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The RSS <c>ttl</c>: minutes a reader may wait between polls.</summary>
    public int TtlMinutes { get; set; } = 15;

    /// <summary>Cache-Control of every feed blob.</summary>
    public string CacheControl { get; set; } = "public, max-age=300";

    /// <summary>Upper bound of one feed's size: bodies of the oldest items go first, then the oldest items.</summary>
    public int MaxBytes { get; set; } = 250_000;

    /// <summary>A WebSub hub advertised in every feed and pinged once per changed feed; none when empty.</summary>
    public string? HubUrl { get; set; }

    /// <summary>
    /// Articles per archive page (RFC 5005 archived feeds): a page is complete, and never written
    /// again but for a kill or a correction, once this many newer articles follow it.
    /// </summary>
    public int ArchivePageItems { get; set; } = 100;

    /// <summary>
    /// Seconds between the starts of two event-driven feed builds: the first change after a quiet
    /// spell is built at once, later ones wait for the next build, at most this long. A burst of
    /// drops then costs a build per window, not one per article. 0: build again as soon as the last ends.
    /// </summary>
    public int CoalesceSeconds { get; set; } = 10;
}
