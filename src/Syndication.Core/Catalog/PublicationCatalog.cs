using Syndication.Core.Articles;

namespace Syndication.Core.Catalog;

/// <summary>A regional edition: which stories it carries and the time zone its readers live in.</summary>
/// <param name="Id">Short id used in URLs, tables and settings (<c>india</c>).</param>
/// <param name="Name">Display name (<c>India</c>).</param>
/// <param name="TimeZone">IANA zone of its readers (<c>Asia/Kolkata</c>), never an abbreviation.</param>
/// <param name="Countries">ISO 3166 codes of places whose stories belong to this edition; empty for an edition that carries everything.</param>
public sealed record Edition(string Id, string Name, string TimeZone, IReadOnlyList<string> Countries)
{
    /// <summary>An edition without countries carries every story (Global).</summary>
    public bool CarriesEverything => Countries.Count == 0;
}

/// <summary>A sector of the site, mapped to IPTC Media Topic codes (<c>medtop:04000000</c>).</summary>
public sealed record Sector(string Id, string Name, IReadOnlyList<string> MediaTopics);

/// <summary>Editions and sectors as configured, with sensible defaults when none are.</summary>
public sealed class PublicationCatalog
{
    public PublicationCatalog(SyndicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Editions = options.Editions is { Count: > 0 } editions ? editions : DefaultEditions;
        Sectors = options.Sectors is { Count: > 0 } sectors ? sectors : DefaultSectors;
        Site = options.Site;
    }

    public IReadOnlyList<Edition> Editions { get; }

    public IReadOnlyList<Sector> Sectors { get; }

    public SiteOptions Site { get; }

    public static IReadOnlyList<Edition> DefaultEditions { get; } =
    [
        new("global", "Global", "Etc/UTC", []),
        new("india", "India", "Asia/Kolkata", ["IN"]),
        new("us", "United States", "America/New_York", ["US"]),
        new("uk", "United Kingdom", "Europe/London", ["GB", "UK"]),
        new("africa", "Africa", "Africa/Nairobi", ["KE", "NG", "ZA", "GH", "ET", "EG", "TZ", "UG", "RW", "SN", "MA"]),
        new("asia-pacific", "Asia Pacific", "Asia/Singapore", ["SG", "JP", "CN", "KR", "AU", "NZ", "ID", "MY", "PH", "TH", "VN", "BD", "LK", "NP", "PK"]),
        new("europe", "Europe", "Europe/Brussels", ["DE", "FR", "IT", "ES", "NL", "BE", "PL", "SE", "NO", "DK", "FI", "AT", "CH", "IE", "PT", "GR", "UA"]),
    ];

    public static IReadOnlyList<Sector> DefaultSectors { get; } =
    [
        new("economy", "Economy & Business", ["medtop:04000000"]),
        new("health", "Health", ["medtop:07000000"]),
        new("science-technology", "Science & Technology", ["medtop:13000000"]),
        new("environment", "Environment", ["medtop:06000000"]),
        new("energy", "Energy & Extractives", ["medtop:04005000"]),
        new("agriculture", "Agriculture", ["medtop:04001000"]),
        new("education", "Education", ["medtop:05000000"]),
        new("governance", "Law & Governance", ["medtop:11000000", "medtop:02000000"]),
        new("labour", "Labour & Employment", ["medtop:09000000"]),
        new("conflict", "Conflict & Security", ["medtop:16000000"]),
        new("transport", "Transport", ["medtop:04015000"]),
        new("sport", "Sports", ["medtop:15000000"]),
    ];

    public Edition? FindEdition(string id) =>
        Editions.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase));

    public Sector? FindSector(string id) =>
        Sectors.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The article's permanent URL: <c>{site}/{section}/{slug}</c>.</summary>
    public Uri ArticleUrl(SectionType section, string slug) =>
        new($"{Site.BaseUrl.TrimEnd('/')}/{section.ToString().ToLowerInvariant()}/{slug}");

    internal IEnumerable<string> Validate()
    {
        foreach (var edition in Editions)
        {
            if (string.IsNullOrWhiteSpace(edition.Id) || edition.Id.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            {
                yield return $"Edition id '{edition.Id}' must be lowercase letters, digits and hyphens.";
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(edition.TimeZone ?? "", out _))
            {
                yield return $"Edition '{edition.Id}' has time zone '{edition.TimeZone}', which is not an IANA zone this machine knows.";
            }
        }

        foreach (var duplicate in Editions.GroupBy(e => e.Id).Where(g => g.Count() > 1))
        {
            yield return $"Edition id '{duplicate.Key}' is configured more than once.";
        }

        foreach (var sector in Sectors)
        {
            if (string.IsNullOrWhiteSpace(sector.Id) || sector.Id.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            {
                yield return $"Sector id '{sector.Id}' must be lowercase letters, digits and hyphens.";
            }
        }

        if (!Editions.Any(e => e.CarriesEverything))
        {
            yield return "At least one edition must carry every story (an edition with no countries, such as Global).";
        }
    }
}
