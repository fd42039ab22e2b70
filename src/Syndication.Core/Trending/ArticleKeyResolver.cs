using Syndication.Core.Articles;

namespace Syndication.Core.Trending;

/// <summary>
/// Maps the article keys a page-view log carries (source uri, article id, article URL or path) to
/// article ids, so views of one story logged under different keys land on one id.
/// </summary>
public sealed class ArticleKeyResolver
{
    /// <summary>Enough unknown keys to see what is wrong without logging a flood of probes.</summary>
    public const int MaxUnresolvedKeys = 20;

    private readonly Dictionary<string, string> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _slugs = new(StringComparer.OrdinalIgnoreCase);

    public ArticleKeyResolver(IEnumerable<Article> articles)
        : this((articles ?? throw new ArgumentNullException(nameof(articles))).Select(ArticleKeys.Of))
    {
    }

    public ArticleKeyResolver(IEnumerable<ArticleKeys> articles)
    {
        ArgumentNullException.ThrowIfNull(articles);
        foreach (var article in articles)
        {
            _exact.TryAdd(article.Id, article.Id);
            _exact.TryAdd(article.SourceKey, article.Id);
            _exact.TryAdd(article.Url.AbsoluteUri, article.Id);
            // A slug shared by two articles names neither: null marks it ambiguous.
            _slugs[article.Slug] = _slugs.TryGetValue(article.Slug, out var other) && other != article.Id ? null : article.Id;
        }
    }

    /// <summary>The article id for <paramref name="key"/>, or null for a key that names no known article.</summary>
    public string? Resolve(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        key = key.Trim();
        if (_exact.TryGetValue(key, out var id))
        {
            return id;
        }

        // A URL on any host (the CDN, an AMP cache) or a bare path: the slug is the last segment.
        string? path = null;
        if (key.StartsWith('/'))
        {
            path = key;
        }
        else if (Uri.TryCreate(key, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            path = uri.AbsolutePath;
        }

        if (path is null)
        {
            return null;
        }

        var end = path.IndexOfAny(['?', '#']);
        var segments = (end < 0 ? path : path[..end]).Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length > 0 && _slugs.TryGetValue(segments[^1], out var bySlug) ? bySlug : null;
    }

    /// <summary>
    /// Re-keys aggregated counts by article id, adding up counts of one article logged under
    /// several keys (a session that read it under two keys in one hour then counts twice: rare,
    /// and not knowable after aggregation). Views of unknown keys are left out and counted.
    /// </summary>
    public ResolvedViews Resolve(IEnumerable<HourlyViewCount> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var cache = new Dictionary<string, string?>(StringComparer.Ordinal);
        var merged = new Dictionary<(string Edition, string Article, DateTimeOffset Hour), long>();
        var unresolvedKeys = new SortedSet<string>(StringComparer.Ordinal);
        long unresolved = 0;
        foreach (var count in counts)
        {
            if (!cache.TryGetValue(count.Article, out var id))
            {
                id = Resolve(count.Article);
                cache[count.Article] = id;
            }

            if (id is null)
            {
                unresolved += count.Views;
                if (unresolvedKeys.Count < MaxUnresolvedKeys)
                {
                    unresolvedKeys.Add(count.Article);
                }

                continue;
            }

            var key = (count.Edition, id, count.Hour);
            merged[key] = merged.GetValueOrDefault(key) + count.Views;
        }

        var views = merged
            .Select(m => new HourlyViewCount(m.Key.Edition, m.Key.Article, m.Key.Hour, m.Value))
            .OrderBy(v => v.Edition, StringComparer.Ordinal)
            .ThenBy(v => v.Article, StringComparer.Ordinal)
            .ThenBy(v => v.Hour)
            .ToArray();
        return new ResolvedViews(views, unresolved, unresolvedKeys.ToArray());
    }
}

/// <summary>The keys a page-view log may name an article by: its id, source key, URL, or the slug at the end of any URL or path.</summary>
public sealed record ArticleKeys(string Id, string SourceKey, Uri Url, string Slug)
{
    public static ArticleKeys Of(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return new(article.Id, article.SourceKey, article.Url, article.Slug);
    }
}

/// <summary>Counts keyed by article id, and what could not be mapped to one.</summary>
/// <param name="Views">Counts by (edition, article id, hour), ordered.</param>
/// <param name="UnresolvedViews">Views whose key names no known article (a withheld story, a typo, a probe).</param>
/// <param name="UnresolvedKeys">The first of those keys (at most <see cref="ArticleKeyResolver.MaxUnresolvedKeys"/>), ordered, for the stage to log.</param>
public sealed record ResolvedViews(IReadOnlyList<HourlyViewCount> Views, long UnresolvedViews, IReadOnlyList<string> UnresolvedKeys);
