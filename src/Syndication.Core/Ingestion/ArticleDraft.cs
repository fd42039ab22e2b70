using System.Text.Json.Serialization;
using Syndication.Core.Articles;

namespace Syndication.Core.Ingestion;

/// <summary>
/// What a reader found in one source item, before the catalog decides editions, sectors and URL.
/// Every reader (ninjs, Markdown, feeds) produces this one shape.
/// </summary>
public sealed record ArticleDraft
{
    public required string SourceKey { get; init; }

    /// <summary>
    /// The namespace <see cref="SourceKey"/> belongs to: the upstream source (a feed's name, or the
    /// source several feeds declare together); null for the drop zone. Part of the article's identity
    /// (<see cref="ArticleIdentity.IdFor(string?, string)"/>), not of what the source said, so it is
    /// left out of the fingerprint.
    /// </summary>
    [JsonIgnore]
    public string? Source { get; init; }

    public required string Headline { get; init; }

    public string? Summary { get; init; }

    public required string BodyHtml { get; init; }

    public string? Byline { get; init; }

    public string? Language { get; init; }

    public DateTimeOffset? Created { get; init; }

    public DateTimeOffset? Updated { get; init; }

    public PublicationStatus Status { get; init; } = PublicationStatus.Usable;

    /// <summary>IPTC Media Topic codes, normalised to <c>medtop:NNNNNNNN</c>.</summary>
    public IReadOnlyList<string> SubjectCodes { get; init; } = [];

    /// <summary>Genre names or codes (<c>Opinion</c>, <c>genre:Interview</c>).</summary>
    public IReadOnlyList<string> Genres { get; init; } = [];

    /// <summary>Place codes or names the story is about (<c>IN</c>, <c>New Delhi</c>).</summary>
    public IReadOnlyList<string> Places { get; init; } = [];

    /// <summary>Editions named by the source itself (Markdown front matter); empty when the catalog decides.</summary>
    public IReadOnlyList<string> Editions { get; init; } = [];

    /// <summary>Sectors named by the source itself; empty when subject codes decide.</summary>
    public IReadOnlyList<string> Sectors { get; init; } = [];

    public SectionType? Section { get; init; }

    public IReadOnlyList<ArticleImage> Images { get; init; } = [];

    public string? Attribution { get; init; }

    /// <summary>
    /// The story's page at the source (a feed item's link), as the source wrote it: relative URLs in
    /// the body are resolved against it, and its canonical form is kept on the article.
    /// </summary>
    /// <remarks>
    /// Left out of the serialized draft while null, so drafts without one keep the fingerprint
    /// they had before the property existed and stored stories are not re-versioned on re-drop.
    /// </remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SourceUrl { get; init; }

    /// <summary>Not public before this instant (ninjs <c>embargoed</c>, front matter <c>embargoed:</c>); null: public at once.</summary>
    /// <remarks>Left out of the fingerprint while null, as <see cref="SourceUrl"/>.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Embargoed { get; init; }

    /// <summary>The correction this version makes, as readers are to see it (ninjs <c>correction</c>, front matter <c>correction:</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Correction { get; init; }

    /// <summary>
    /// ninjs <c>urgency</c> (1 most urgent to 9; front matter <c>urgency:</c>): 1 or 2 flags breaking
    /// news, which is emailed at once to readers who asked for alerts. Null when the source gave none.
    /// </summary>
    /// <remarks>Left out of the fingerprint while null, as <see cref="SourceUrl"/>.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Urgency { get; init; }
}
