using System.Security.Cryptography;
using System.Text.Json;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Feeds;
using Syndication.Core.Ingestion.Normalization;

namespace Syndication.Core.Ingestion;

/// <summary>
/// Turns a reader's draft into the canonical article: identity, slug and URL, editions, sectors
/// and section from the catalog, instants in UTC and believable, the body cleaned for our pages,
/// a plain-text summary, the source's canonical link, a near-duplicate fingerprint, and the update
/// rules against a stored version.
/// </summary>
/// <param name="ingest">Ingestion settings (date tolerance, iframe hosts); null for the defaults.</param>
public sealed class ArticleNormalizer(PublicationCatalog catalog, TimeProvider clock, IngestOptions? ingest = null)
{
    /// <summary>
    /// The longest body accepted, in characters of HTML. A long read with its markup is some 100 KB;
    /// far larger bodies are broken or hostile, and cleaning them costs more than linear time
    /// (HtmlSanitizer walks long runs of siblings quadratically), holding up every other drop.
    /// </summary>
    public const int MaxBodyLength = 512 * 1024;

    private static readonly string[] AgencyMarkers = ["with inputs from agencies", "(with inputs from", "agency inputs"];

    private readonly DatePolicy _dates = new(
        clock, ingest is null ? DatePolicy.DefaultFutureTolerance : TimeSpan.FromMinutes(ingest.FutureDateToleranceMinutes));

    private readonly HtmlCleaner _cleaner = HtmlCleaner.For(ingest?.IframeHosts);

    /// <summary>
    /// The article the draft describes. With <paramref name="existing"/> (the same story stored
    /// before), id, slug, URL and creation instant are kept and the version grows.
    /// </summary>
    public Article Normalize(ArticleDraft draft, Article? existing = null, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.BodyHtml.Length > MaxBodyLength)
        {
            throw new RejectedInputException(
                $"The body is {draft.BodyHtml.Length:N0} characters of HTML, over the limit of {MaxBodyLength:N0}; no article is that long, so it is taken for broken.");
        }

        var now = clock.GetUtcNow();
        var flags = new List<string>();
        var embargo = draft.Embargoed?.ToUniversalTime();
        var draftCreated = Believable(draft.Created, ArticleFlags.CreatedTooOld, ArticleFlags.CreatedInFuture, flags, embargo);
        var draftUpdated = Believable(draft.Updated, ArticleFlags.UpdatedTooOld, ArticleFlags.UpdatedInFuture, flags, embargo);
        var updated = draftUpdated ?? draftCreated ?? now;
        var correction = draft.Correction ?? existing?.Correction;
        if (existing is not null && correction is not null && correction != existing.Correction && updated <= existing.Updated)
        {
            // A correction is an update readers must see (Atom 'updated', JSON Feed 'date_modified'):
            // undated by its source, it is dated by its arrival.
            updated = now;
        }

        var created = draftCreated ?? updated;
        if (created > updated)
        {
            created = updated;
        }

        var section = draft.Section ?? SectionFromGenres(draft.Genres);
        // A story stored before keeps its id (one stored before sources had namespaces included).
        var id = existing?.Id ?? ArticleIdentity.IdFor(draft.Source, draft.SourceKey);
        // A headline is text: markup a source left in it (or smuggled into it) is dropped here,
        // so every page, feed, email and JSON file shows the same words and nothing runs.
        var headline = FeedText.Plain(draft.Headline);
        if (headline.Length == 0)
        {
            throw new RejectedInputException("The headline has no text once its markup is removed.");
        }

        var slug = existing?.Slug ?? FallbackSlug(Slug.From(headline), id);

        // Relative links resolve against the page as the source gave it; the canonical form drops its fragment and query noise.
        var sourceLink = Uri.TryCreate(draft.SourceUrl?.Trim(), UriKind.Absolute, out var link) ? link : null;
        var body = _cleaner.Clean(draft.BodyHtml, sourceLink);
        var bodyText = HtmlCleaner.ToPlainText(body);
        if (bodyText.Length == 0 && !body.Contains("<img", StringComparison.OrdinalIgnoreCase) && !body.Contains("<iframe", StringComparison.OrdinalIgnoreCase))
        {
            flags.Add(ArticleFlags.BodyEmpty);
        }

        return new Article
        {
            Id = id,
            SourceKey = draft.SourceKey.Trim(),
            Source = draft.Source is null ? null : ArticleIdentity.NormalizeSource(draft.Source),
            Slug = slug,
            Url = existing?.Url ?? catalog.ArticleUrl(section, slug),
            Headline = headline,
            Summary = draft.Summary is { } summary && HtmlCleaner.ToPlainText(summary) is { Length: > 0 } text ? text : null,
            BodyHtml = body,
            Byline = draft.Byline,
            Attribution = draft.Attribution ?? AgencyAttribution(bodyText),
            Editions = Editions(draft),
            Sectors = Sectors(draft),
            Section = section,
            Language = draft.Language ?? catalog.Site.Language,
            Images = draft.Images,
            Created = (existing?.Created ?? created).ToUniversalTime(),
            Updated = updated.ToUniversalTime(),
            Status = draft.Status,
            EmbargoedUntil = embargo,
            Correction = correction,
            Urgency = draft.Urgency,
            Version = existing is null ? 1 : existing.Version + 1,
            Fingerprint = Fingerprint(draft),
            Origin = origin,
            SourceUrl = CanonicalUrl.Normalize(draft.SourceUrl) is { } canonical ? new Uri(canonical) : null,
            TextHash = NearDuplicate.SimHash($"{headline}\n{bodyText}"),
            Flags = flags,
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

    /// <summary>The source's instant when believable, otherwise the ingestion time with the flag recorded.</summary>
    /// <param name="embargo">
    /// The story's embargo: a story held until then is dated up to then (plus the tolerance) by
    /// its source, and such a date is believed, not taken for a wrong clock.
    /// </param>
    private DateTimeOffset? Believable(DateTimeOffset? instant, string tooOldFlag, string inFutureFlag, List<string> flags, DateTimeOffset? embargo)
    {
        if (instant is not { } given)
        {
            return null;
        }

        var verdict = _dates.Check(given, embargo);
        if (verdict.Reason is { } reason)
        {
            flags.Add(reason == UntrustedDate.TooOld ? tooOldFlag : inFutureFlag);
        }

        return verdict.Instant;
    }

    private static string? AgencyAttribution(string text)
    {
        var tail = text.Length > 400 ? text[^400..] : text;
        return AgencyMarkers.Any(m => tail.Contains(m, StringComparison.OrdinalIgnoreCase)) ? "With inputs from agencies" : null;
    }
}
