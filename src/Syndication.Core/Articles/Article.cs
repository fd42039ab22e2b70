using System.Text.Json.Serialization;

namespace Syndication.Core.Articles;

/// <summary>
/// One story as the publisher serves it: the canonical record kept in the article store.
/// Instants are UTC; editions carry their own time zones for display and scheduling.
/// </summary>
public sealed record Article
{
    /// <summary>Stable id derived from the source identity (<see cref="SourceKey"/>); never changes.</summary>
    public required string Id { get; init; }

    /// <summary>What identifies the story at its source: a ninjs uri, a feed guid, or a canonical URL.</summary>
    public required string SourceKey { get; init; }

    /// <summary>The upstream source whose namespace <see cref="SourceKey"/> is in (lower case); absent for the drop zone and for articles stored before sources had namespaces.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init; }

    /// <summary>URL path segment chosen at first publication; never changed afterwards.</summary>
    public required string Slug { get; init; }

    /// <summary>The article's permanent URL on the publisher's site.</summary>
    public required Uri Url { get; init; }

    public required string Headline { get; init; }

    public string? Summary { get; init; }

    public required string BodyHtml { get; init; }

    /// <summary>Byline or desk, e.g. "Devdiscourse News Desk".</summary>
    public string? Byline { get; init; }

    /// <summary>Agency attribution kept from the source, e.g. "With inputs from agencies".</summary>
    public string? Attribution { get; init; }

    public IReadOnlyList<string> Editions { get; init; } = [];

    public IReadOnlyList<string> Sectors { get; init; } = [];

    [JsonConverter(typeof(JsonStringEnumConverter<SectionType>))]
    public SectionType Section { get; init; } = SectionType.News;

    public string Language { get; init; } = "en";

    public IReadOnlyList<ArticleImage> Images { get; init; } = [];

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Updated { get; init; }

    [JsonConverter(typeof(JsonStringEnumConverter<PublicationStatus>))]
    public PublicationStatus Status { get; init; } = PublicationStatus.Usable;

    /// <summary>
    /// The instant before which the story must not be public (ninjs <c>embargoed</c>, front matter
    /// <c>embargoed:</c>); null when it may be public at once. <see cref="NewsroomRules"/> decides.
    /// </summary>
    public DateTimeOffset? EmbargoedUntil { get; init; }

    /// <summary>
    /// The correction this version makes to the published story, as readers are to see it (ninjs
    /// <c>correction</c>, front matter <c>correction:</c>); null when it corrects nothing.
    /// </summary>
    public string? Correction { get; init; }

    /// <summary>ninjs <c>urgency</c> (1 most urgent to 9; front matter <c>urgency:</c>); null when not given.</summary>
    public int? Urgency { get; init; }

    /// <summary>Breaking news (urgency 1 or 2): its first publication is emailed at once to readers who opted in to alerts.</summary>
    [JsonIgnore]
    public bool IsBreaking => Breaking(Urgency);

    /// <summary>Whether an urgency flags breaking news: 1 or 2.</summary>
    public static bool Breaking(int? urgency) => urgency is 1 or 2;

    /// <summary>Starts at 1; grows by one with each accepted change from the source.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Hash of the content as received, so an identical re-drop is recognised and writes nothing.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The file or feed the latest version came from.</summary>
    public string? Origin { get; init; }

    /// <summary>The story's page at the source in canonical form (no tracking parameters), when the source gave one.</summary>
    public Uri? SourceUrl { get; init; }

    /// <summary>
    /// SimHash of the headline and body text (<see cref="Ingestion.Normalization.NearDuplicate"/>):
    /// articles a few bits apart are the same story from different sources. 0 for articles stored before it existed.
    /// </summary>
    public ulong TextHash { get; init; }

    /// <summary>What normalization distrusted or changed in this version (<see cref="ArticleFlags"/>); empty when nothing.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
}

/// <summary>The flags normalization records on an article, for editors and dashboards to find.</summary>
public static class ArticleFlags
{
    /// <summary>The source's creation date was before 1990; the ingestion time was used.</summary>
    public const string CreatedTooOld = "created-date-too-old";

    /// <summary>The source's creation date was in the future; the ingestion time was used.</summary>
    public const string CreatedInFuture = "created-date-in-future";

    /// <summary>The source's update date was before 1990; the ingestion time was used.</summary>
    public const string UpdatedTooOld = "updated-date-too-old";

    /// <summary>The source's update date was in the future; the ingestion time was used.</summary>
    public const string UpdatedInFuture = "updated-date-in-future";

    /// <summary>Nothing was left of the body after cleaning (it held only scripts, pixels or embeds).</summary>
    public const string BodyEmpty = "body-empty";
}

public sealed record ArticleImage(Uri Url, string? Alt, int? Width = null, int? Height = null, string? Credit = null);

/// <summary>Section types a news page shows apart from the news flow.</summary>
public enum SectionType
{
    News,
    Opinion,
    Blog,
    Interview,
    Analysis,
    Feature,
}

/// <summary>IPTC pubstatus: only usable articles appear in feeds and newsletters.</summary>
public enum PublicationStatus
{
    Usable,
    Withheld,
    Canceled,
}
