namespace Syndication.Core.Trending;

/// <summary>
/// Ranks the trending box of each edition from hourly views: recent views weigh more, small
/// editions lean on the whole site, one article per near-duplicate cluster, and a box that does
/// not reshuffle on noise. The formula and the reason for each part are in docs/trending.md.
/// </summary>
/// <remarks>
/// Pure and deterministic: the same input at the same instant gives the same boxes, whatever the
/// order of the rows (they are summed as integers first, then in a fixed order).
/// </remarks>
public sealed class TrendingRanker
{
    private static readonly TimeSpan HalfHour = TimeSpan.FromMinutes(30);

    private readonly TimeProvider _time;
    private readonly TrendingOptions _options;

    public TrendingRanker(TimeProvider time, TrendingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        options ??= TrendingOptions.Default;
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _time = time;
        _options = options;
    }

    public TrendingRanking Rank(TrendingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = _time.GetUtcNow();
        var articles = new Dictionary<string, TrendingArticle>(StringComparer.Ordinal);
        foreach (var article in input.Articles)
        {
            // Eligible: published inside the window (a future time from a skewed clock counts as just published).
            if (now - article.Published <= _options.EligibilityWindow)
            {
                articles.TryAdd(article.Id, article);
            }
        }

        // Integers first: duplicate rows add up exactly, and the decayed sums below run in one
        // fixed order, so reordered input cannot flip a tie in the last bit.
        var merged = new Dictionary<(string Edition, string Article, long HourTicks), long>();
        foreach (var row in input.Views)
        {
            if (row.Views > 0 && row.Hour <= now && articles.ContainsKey(row.Article))
            {
                var key = (row.Edition, row.Article, row.Hour.UtcTicks);
                merged[key] = merged.GetValueOrDefault(key) + row.Views;
            }
        }

        var perEdition = new Dictionary<string, Dictionary<string, Signal>>(StringComparer.Ordinal);
        var site = new Dictionary<string, Signal>(StringComparer.Ordinal);
        var halfLifeHours = _options.HalfLife.TotalHours;
        foreach (var ((edition, article, hourTicks), views) in merged
            .OrderBy(m => m.Key.Edition, StringComparer.Ordinal)
            .ThenBy(m => m.Key.Article, StringComparer.Ordinal)
            .ThenBy(m => m.Key.HourTicks))
        {
            // A bucket's age is measured from its middle, and the running hour counts as fresh.
            var middle = new DateTimeOffset(hourTicks, TimeSpan.Zero) + HalfHour;
            var ageHours = Math.Max(0, (now - middle).TotalHours);
            var decayed = views * Math.Pow(2, -ageHours / halfLifeHours);
            if (!perEdition.TryGetValue(edition, out var signals))
            {
                perEdition[edition] = signals = new Dictionary<string, Signal>(StringComparer.Ordinal);
            }

            signals[article] = signals.GetValueOrDefault(article).Add(views, decayed);
            site[article] = site.GetValueOrDefault(article).Add(views, decayed);
        }

        var siteTotal = site.Values.Sum(s => s.Decayed);
        var editions = (input.Editions ?? perEdition.Keys.Append(_options.GlobalEdition).ToArray())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var boxes = new List<TrendingBox>(editions.Length);
        foreach (var edition in editions)
        {
            var signals = edition == _options.GlobalEdition ? site : perEdition.GetValueOrDefault(edition) ?? [];
            var previous = input.PreviousBoxes.GetValueOrDefault(edition) ?? [];
            boxes.Add(RankEdition(edition, signals, site, siteTotal, articles, previous));
        }

        return new TrendingRanking(now, boxes);
    }

    private TrendingBox RankEdition(
        string edition,
        Dictionary<string, Signal> signals,
        Dictionary<string, Signal> site,
        double siteTotal,
        Dictionary<string, TrendingArticle> articles,
        IReadOnlyList<string> previousBox)
    {
        var m = _options.PriorWeight;
        var margin = 1 + _options.HysteresisMargin;
        var editionTotal = signals.Values.Sum(s => s.Decayed); // insertion order, which is sorted

        // Every article the site read is a candidate: an edition that barely read it still gets
        // its prior, which is what lets a quiet edition show what the world reads.
        var candidates = new List<Candidate>(site.Count);
        foreach (var (id, siteSignal) in site.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var own = signals.GetValueOrDefault(id);
            var share = siteTotal > 0 ? siteSignal.Decayed / siteTotal : 0;
            var prior = m * share;
            var denominator = editionTotal + m;
            var score = denominator > 0 ? (own.Decayed + prior) / denominator : 0;
            candidates.Add(new Candidate(articles[id], own.Views, own.Decayed, share, prior, score));
        }

        var previousRank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < previousBox.Count; i++)
        {
            previousRank.TryAdd(previousBox[i], i + 1);
        }

        // One article per near-duplicate cluster: its best, unless the one already in the box is
        // within the margin of it (otherwise two copies of a story could swap places every run).
        var clusterBest = new Dictionary<Candidate, double>();
        var representatives = new List<Candidate>();
        foreach (var cluster in candidates.GroupBy(c => c.Article.ClusterId is { } clusterId ? "c:" + clusterId : "a:" + c.Article.Id, StringComparer.Ordinal))
        {
            var best = cluster.OrderBy(c => c, CandidateOrder.Instance).First();
            var incumbent = cluster
                .Where(c => previousRank.ContainsKey(c.Article.Id))
                .OrderBy(c => previousRank[c.Article.Id])
                .FirstOrDefault();
            var chosen = incumbent is not null && !(best.Score > incumbent.Score * margin) ? incumbent : best;
            clusterBest[chosen] = best.Score;
            representatives.Add(chosen);
        }

        representatives.Sort(CandidateOrder.Instance);

        // Membership: last run's articles keep their seats; empty seats go to the best others; then
        // an outsider takes the weakest seat only by beating it by more than the margin.
        var chosenIds = representatives.ToDictionary(c => c.Article.Id, StringComparer.Ordinal);
        var box = previousBox
            .Distinct(StringComparer.Ordinal)
            .Where(chosenIds.ContainsKey)
            .Select(id => chosenIds[id])
            .Take(_options.TopCount)
            .ToList();
        var outsiders = new Queue<Candidate>(representatives.Where(c => !box.Contains(c)));
        while (box.Count < _options.TopCount && outsiders.Count > 0)
        {
            box.Add(outsiders.Dequeue());
        }

        while (outsiders.Count > 0)
        {
            var weakest = box.OrderBy(c => c, CandidateOrder.Instance).Last();
            if (!(outsiders.Peek().Score > weakest.Score * margin))
            {
                break;
            }

            box.Remove(weakest);
            box.Add(outsiders.Dequeue());
        }

        // Order: start from last run's order (newcomers after, best first) and repair only the
        // large inversions: while some article scores more than (1 + margin) times one above it,
        // move the best such article just above the highest one it beats so. A chain of small
        // steps (each within the margin of its neighbour) cannot then hide a big riser. Each move
        // removes at least one large inversion and creates none, so this ends; with no previous
        // box it gives the plain order.
        while (true)
        {
            int to = -1, from = -1;
            for (var i = 0; i < box.Count && to < 0; i++)
            {
                for (var j = i + 1; j < box.Count; j++)
                {
                    if (box[j].Score > box[i].Score * margin && (from < 0 || box[j].Score > box[from].Score))
                    {
                        to = i;
                        from = j;
                    }
                }
            }

            if (to < 0)
            {
                break;
            }

            var riser = box[from];
            box.RemoveAt(from);
            box.Insert(to, riser);
        }

        var left = representatives.Where(c => !box.Contains(c)).ToList();
        var items = new List<TrendingItem>(box.Count);
        for (var i = 0; i < box.Count; i++)
        {
            var c = box[i];
            var rank = i + 1;
            int? before = previousRank.TryGetValue(c.Article.Id, out var r) ? r : null;
            var held = clusterBest[c] > c.Score
                || box.Skip(rank).Any(o => o.Score > c.Score)
                || left.Any(o => o.Score > c.Score);
            items.Add(new TrendingItem
            {
                Rank = rank,
                ArticleId = c.Article.Id,
                Headline = c.Article.Headline,
                Url = c.Article.Url,
                ClusterId = c.Article.ClusterId,
                Published = c.Article.Published,
                Views = c.Views,
                DecayedViews = c.Decayed,
                GlobalShare = c.Share,
                PriorViews = c.Prior,
                Score = c.Score,
                PreviousRank = before,
                RankChange = before - rank,
                Held = held,
            });
        }

        return new TrendingBox(edition, editionTotal, items);
    }

    private readonly record struct Signal(long Views, double Decayed)
    {
        public Signal Add(long views, double decayed) => new(Views + views, Decayed + decayed);
    }

    /// <summary>Compared by reference: one per article and edition.</summary>
    private sealed class Candidate(TrendingArticle article, long views, double decayed, double share, double prior, double score)
    {
        public TrendingArticle Article { get; } = article;

        public long Views { get; } = views;

        public double Decayed { get; } = decayed;

        public double Share { get; } = share;

        public double Prior { get; } = prior;

        public double Score { get; } = score;
    }

    /// <summary>Best first: higher score, then the newer article, then the id, so ties never depend on input order.</summary>
    private sealed class CandidateOrder : IComparer<Candidate>
    {
        public static CandidateOrder Instance { get; } = new();

        public int Compare(Candidate? x, Candidate? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? 1 : -1;
            }

            var byScore = y.Score.CompareTo(x.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var byPublished = y.Article.Published.CompareTo(x.Article.Published);
            return byPublished != 0 ? byPublished : string.CompareOrdinal(x.Article.Id, y.Article.Id);
        }
    }
}
