using Syndication.Core.Articles;

namespace Syndication.Core.Trending;

/// <summary>What the ranker needs to know about an article besides its views.</summary>
/// <param name="Id">The article id, as in the view counts.</param>
/// <param name="Headline">Shown in the box.</param>
/// <param name="Published">First publication: the eligibility window runs from here.</param>
/// <param name="ClusterId">Near-duplicate cluster (the same story from two agencies); null when alone.</param>
/// <param name="Url">The article's page.</param>
public sealed record TrendingArticle(string Id, string Headline, DateTimeOffset Published, string? ClusterId = null, Uri? Url = null)
{
    public static TrendingArticle From(Article article, string? clusterId = null)
    {
        ArgumentNullException.ThrowIfNull(article);
        return new(article.Id, article.Headline, article.Created, clusterId, article.Url);
    }
}

/// <summary>One ranking run's input.</summary>
public sealed record TrendingInput
{
    /// <summary>
    /// Hourly views per edition and article id for the last window (about 48 hours), as aggregated:
    /// one row per edition the reader was on, the <c>global</c> edition's own readers included.
    /// Do not add site-wide totals: the ranker sums the editions itself. Rows for the same key add up.
    /// </summary>
    public required IReadOnlyCollection<HourlyViewCount> Views { get; init; }

    /// <summary>Usable articles that may be ranked; views of any other id are ignored.</summary>
    public required IReadOnlyCollection<TrendingArticle> Articles { get; init; }

    /// <summary>The previous run's boxes (edition → article ids, best first), for hysteresis; empty on the first run.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PreviousBoxes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Editions to rank (the catalog's); null ranks every edition seen in the views and the Global one.</summary>
    public IReadOnlyCollection<string>? Editions { get; init; }
}

/// <summary>The boxes of one run, one per edition, ordered by edition id.</summary>
public sealed record TrendingRanking(DateTimeOffset ComputedAt, IReadOnlyList<TrendingBox> Boxes)
{
    public TrendingBox? For(string edition) => Boxes.FirstOrDefault(b => b.Edition == edition);

    /// <summary>What the next run needs for hysteresis: the article ids of each box, best first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ToPreviousBoxes() =>
        Boxes.ToDictionary(b => b.Edition, b => (IReadOnlyList<string>)b.Items.Select(i => i.ArticleId).ToArray(), StringComparer.Ordinal);
}

/// <summary>The top articles of one edition.</summary>
/// <param name="Edition">Edition id.</param>
/// <param name="DecayedTotal">The edition's decayed views over every eligible article (T in the formula).</param>
/// <param name="Items">Best first; at most <see cref="TrendingOptions.TopCount"/>.</param>
public sealed record TrendingBox(string Edition, double DecayedTotal, IReadOnlyList<TrendingItem> Items);

/// <summary>
/// One ranked article as the ranker computed it: every part of its score at full precision, with
/// its story cluster and its move since the previous box. It lives for one run and is never stored:
/// what readers get is a <see cref="TrendingDocumentItem"/>, the stored contract, made from it in
/// one place (<see cref="TrendingDocumentItem.From"/>: scores rounded, section and picture added,
/// the cluster and the move left out), so the ranker can change what it computes without
/// changing a byte of <c>trending/{edition}.json</c>.
/// </summary>
public sealed record TrendingItem
{
    /// <summary>1-based position in the box.</summary>
    public required int Rank { get; init; }

    public required string ArticleId { get; init; }

    public required string Headline { get; init; }

    public Uri? Url { get; init; }

    public string? ClusterId { get; init; }

    public required DateTimeOffset Published { get; init; }

    /// <summary>Views in this edition inside the window, before decay (the site's for the Global box).</summary>
    public required long Views { get; init; }

    /// <summary>Those views weighted by 2^(-age / half-life): v in the formula.</summary>
    public required double DecayedViews { get; init; }

    /// <summary>The article's share of the whole site's decayed views: g in the formula.</summary>
    public required double GlobalShare { get; init; }

    /// <summary>The prior's pseudo-views, m × g: what the whole site lends this edition's small numbers.</summary>
    public required double PriorViews { get; init; }

    /// <summary>(v + m·g) / (T + m): the smoothed share of the edition's current attention, 0 to 1.</summary>
    public required double Score { get; init; }

    /// <summary>Rank in the previous box, null when new to it.</summary>
    public int? PreviousRank { get; init; }

    /// <summary>Places moved up since the previous box (negative: down), null when new to it.</summary>
    public int? RankChange { get; init; }

    /// <summary>
    /// True when hysteresis kept this article at its place although something below it, outside the
    /// box or in its cluster scores higher (by less than the margin).
    /// </summary>
    public required bool Held { get; init; }
}
