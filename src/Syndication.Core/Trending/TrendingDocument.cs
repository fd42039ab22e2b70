using System.Text.Json;
using System.Text.Json.Serialization;
using Syndication.Core.Articles;

namespace Syndication.Core.Trending;

/// <summary>
/// <c>feeds/trending/{edition}.json</c>: one edition's box as the site's Trending widget, the
/// newsletter and the status page read it, with every part of each score so a surprising box can
/// be explained. Rewritten only when what it shows changes (<see cref="ShowsSameAs"/>), so the
/// scores are those of the run that last changed the box.
/// </summary>
public sealed record TrendingDocument
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter<SectionType>(JsonNamingPolicy.CamelCase) },
    };

    public const string ContentType = "application/json; charset=utf-8";

    public required string Edition { get; init; }

    public required DateTimeOffset ComputedAt { get; init; }

    /// <summary>The settings the scores were computed with.</summary>
    public required TrendingFormula Formula { get; init; }

    /// <summary>The edition's decayed views over every eligible article: T in the formula.</summary>
    public required double DecayedTotal { get; init; }

    public required IReadOnlyList<TrendingDocumentItem> Items { get; init; }

    /// <summary>The path of an edition's document in the feeds container.</summary>
    public static string PathOf(string edition) => $"trending/{edition}.json";

    /// <summary>The document of one box; <paramref name="details"/> gives each article's section and picture.</summary>
    public static TrendingDocument From(TrendingBox box, DateTimeOffset computedAt, TrendingOptions options, Func<string, (SectionType Section, ArticleImage? Image)> details)
    {
        ArgumentNullException.ThrowIfNull(box);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(details);
        return new TrendingDocument
        {
            Edition = box.Edition,
            ComputedAt = computedAt,
            Formula = new TrendingFormula(options.HalfLife.TotalHours, options.EligibilityWindow.TotalHours, options.PriorWeight, options.HysteresisMargin),
            DecayedTotal = Math.Round(box.DecayedTotal, 3),
            Items = [.. box.Items.Select(item =>
            {
                var (section, image) = details(item.ArticleId);
                return TrendingDocumentItem.From(item, section, image);
            })],
        };
    }

    /// <summary>True when both show the same articles in the same order with the same headline, link, picture and section: the box did not change for a reader.</summary>
    public bool ShowsSameAs(TrendingDocument? other) =>
        other is not null
        && other.Edition == Edition
        && other.Items.Select(Shown).SequenceEqual(Items.Select(Shown));

    /// <summary>
    /// The box without <paramref name="withdrawn"/> articles (killed, or embargoed again), the rest
    /// moved up in order; the same document when it shows none of them. Trending's next run may
    /// fill the place; until then the box is one shorter.
    /// </summary>
    public TrendingDocument Without(IReadOnlySet<string> withdrawn)
    {
        ArgumentNullException.ThrowIfNull(withdrawn);
        if (!Items.Any(i => withdrawn.Contains(i.ArticleId)))
        {
            return this;
        }

        return this with
        {
            Items = [.. Items.Where(i => !withdrawn.Contains(i.ArticleId)).Select((item, index) => item with { Rank = index + 1 })],
        };
    }

    /// <summary>The article ids, best first: the previous box for the next run's hysteresis.</summary>
    public IReadOnlyList<string> ArticleIds => [.. Items.Select(i => i.ArticleId)];

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a stored document; null when it is not one (a hand-edited or truncated file is replaced, not fatal).</summary>
    public static TrendingDocument? Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var document = JsonSerializer.Deserialize<TrendingDocument>(utf8Json, Json);
            return document?.Items is null ? null : document;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (int, string, string, Uri?, Uri?, string?, SectionType) Shown(TrendingDocumentItem item) =>
        (item.Rank, item.ArticleId, item.Headline, item.Url, item.Image?.Url, item.Image?.Alt, item.Section);
}

/// <summary>The knobs behind the scores (docs/trending.md).</summary>
public sealed record TrendingFormula(double HalfLifeHours, double EligibilityWindowHours, double PriorWeight, double HysteresisMargin);

public sealed record TrendingImage(Uri Url, string? Alt);

/// <summary>
/// One place in the box as stored in <c>trending/{edition}.json</c> and read by the site, the
/// newsletter and the status page: the contract, which changes only with them. It is made from the
/// ranker's <see cref="TrendingItem"/> by <see cref="From"/> alone.
/// </summary>
public sealed record TrendingDocumentItem
{
    public required int Rank { get; init; }

    public required string ArticleId { get; init; }

    public required string Headline { get; init; }

    public Uri? Url { get; init; }

    public TrendingImage? Image { get; init; }

    public required SectionType Section { get; init; }

    public required DateTimeOffset Published { get; init; }

    /// <summary>(v + m·g) / (T + m).</summary>
    public required double Score { get; init; }

    public required long Views { get; init; }

    /// <summary>v: views weighted by 2^(-age / half-life).</summary>
    public required double DecayedViews { get; init; }

    /// <summary>g: the article's share of the whole site's decayed views.</summary>
    public required double GlobalShare { get; init; }

    /// <summary>m·g: what the site's signal lends this edition.</summary>
    public required double PriorViews { get; init; }

    public int? PreviousRank { get; init; }

    /// <summary>Kept in place by hysteresis although a challenger scored slightly higher.</summary>
    public required bool Held { get; init; }

    /// <summary>
    /// The stored place of a ranked article: scores rounded to what a reader can tell apart (shares
    /// and the score to 6 places, views to 3), the article's section and picture added; its story
    /// cluster and its move since the last box are the ranker's and are not stored.
    /// </summary>
    public static TrendingDocumentItem From(TrendingItem item, SectionType section, ArticleImage? image)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new TrendingDocumentItem
        {
            Rank = item.Rank,
            ArticleId = item.ArticleId,
            Headline = item.Headline,
            Url = item.Url,
            Image = image is null ? null : new TrendingImage(image.Url, image.Alt),
            Section = section,
            Published = item.Published,
            Score = Math.Round(item.Score, 6),
            Views = item.Views,
            DecayedViews = Math.Round(item.DecayedViews, 3),
            GlobalShare = Math.Round(item.GlobalShare, 6),
            PriorViews = Math.Round(item.PriorViews, 3),
            PreviousRank = item.PreviousRank,
            Held = item.Held,
        };
    }
}
