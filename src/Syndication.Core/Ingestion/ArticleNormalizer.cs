using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;

namespace Syndication.Core.Ingestion;

/// <summary>
/// Turns a reader's draft into the canonical article: identity, slug and URL, editions, sectors
/// and section from the catalog, instants in UTC, and the update rules against a stored version.
/// </summary>
public sealed class ArticleNormalizer(PublicationCatalog catalog, TimeProvider clock)
{
    private static readonly string[] AgencyMarkers = ["with inputs from agencies", "(with inputs from", "agency inputs"];

    /// <summary>
    /// The article the draft describes. With <paramref name="existing"/> (the same story stored
    /// before), id, slug, URL and creation instant are kept and the version grows.
    /// </summary>
    public Article Normalize(ArticleDraft draft, Article? existing = null, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var now = clock.GetUtcNow();
        var updated = draft.Updated ?? draft.Created ?? now;
        var created = draft.Created ?? updated;
        if (created > updated)
        {
            created = updated;
        }

        var section = draft.Section ?? SectionFromGenres(draft.Genres);
        var id = ArticleIdentity.IdFor(draft.SourceKey);
        var slug = existing?.Slug ?? FallbackSlug(Slug.From(draft.Headline), id);

        return new Article
        {
            Id = id,
            SourceKey = draft.SourceKey.Trim(),
            Slug = slug,
            Url = existing?.Url ?? catalog.ArticleUrl(section, slug),
            Headline = draft.Headline,
            Summary = draft.Summary,
            BodyHtml = draft.BodyHtml,
            Byline = draft.Byline,
            Attribution = draft.Attribution ?? AgencyAttribution(draft.BodyHtml),
            Editions = Editions(draft),
            Sectors = Sectors(draft),
            Section = section,
            Language = draft.Language ?? catalog.Site.Language,
            Images = draft.Images,
            Created = (existing?.Created ?? created).ToUniversalTime(),
            Updated = updated.ToUniversalTime(),
            Status = draft.Status,
            Version = existing is null ? 1 : existing.Version + 1,
            Fingerprint = Fingerprint(draft),
            Origin = origin,
        };
    }

    /// <summary>A hash of everything the source said, so an identical re-drop is recognised.</summary>
    public static string Fingerprint(ArticleDraft draft)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(draft);
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16));
    }

    private static string FallbackSlug(string slug, string id) => slug.Length > 0 ? slug : id;

    private List<string> Editions(ArticleDraft draft)
    {
        var editions = new List<string>();
        foreach (var named in draft.Editions)
        {
            var edition = catalog.FindEdition(named)
                ?? throw new RejectedInputException(
                    $"Unknown edition '{named}'; configured editions are {string.Join(", ", catalog.Editions.Select(e => e.Id))}.");
            editions.Add(edition.Id);
        }

        foreach (var edition in catalog.Editions)
        {
            if (edition.CarriesEverything || edition.Countries.Any(c => draft.Places.Contains(c, StringComparer.OrdinalIgnoreCase))
                || draft.Places.Contains(edition.Name, StringComparer.OrdinalIgnoreCase))
            {
                editions.Add(edition.Id);
            }
        }

        return [.. editions.Distinct()];
    }

    private List<string> Sectors(ArticleDraft draft)
    {
        var sectors = new List<string>();
        foreach (var named in draft.Sectors)
        {
            var sector = catalog.FindSector(named)
                ?? throw new RejectedInputException(
                    $"Unknown sector '{named}'; configured sectors are {string.Join(", ", catalog.Sectors.Select(s => s.Id))}.");
            sectors.Add(sector.Id);
        }

        foreach (var sector in catalog.Sectors)
        {
            if (sector.MediaTopics.Any(topic => draft.SubjectCodes.Contains(topic, StringComparer.OrdinalIgnoreCase)))
            {
                sectors.Add(sector.Id);
            }
        }

        return [.. sectors.Distinct()];
    }

    private static SectionType SectionFromGenres(IReadOnlyList<string> genres)
    {
        foreach (var genre in genres)
        {
            var name = genre.Contains(':', StringComparison.Ordinal) ? genre[(genre.IndexOf(':', StringComparison.Ordinal) + 1)..] : genre;
            if (Enum.TryParse<SectionType>(name.Trim(), ignoreCase: true, out var section))
            {
                return section;
            }
        }

        return SectionType.News;
    }

    private static string? AgencyAttribution(string bodyHtml)
    {
        var text = HtmlText.ToPlainText(bodyHtml);
        var tail = text.Length > 400 ? text[^400..] : text;
        return AgencyMarkers.Any(m => tail.Contains(m, StringComparison.OrdinalIgnoreCase)) ? "With inputs from agencies" : null;
    }
}
