using Syndication.Core.Articles;

namespace Syndication.Core.Feeds;

/// <summary>
/// Which feeds an article appears in: the site's (<see cref="All"/>), each of its editions, each of
/// its sectors, and its section's. A scope is also the name the article index files its rows
/// under (<c>all|2912113</c>, <c>edition-india|…</c>): the strings are stored partition keys, so
/// they never change spelling.
/// </summary>
public static class FeedScopes
{
    /// <summary>The site-wide feed: every public article.</summary>
    public const string All = "all";

    public static string Edition(string edition) => "edition-" + edition;

    public static string Sector(string sector) => "sector-" + sector;

    public static string Section(SectionType section) => "section-" + section.ToString().ToLowerInvariant();

    /// <summary>Every scope <paramref name="article"/> is listed in: all, then its editions, its sectors and its section.</summary>
    public static IEnumerable<string> Of(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        yield return All;
        foreach (var edition in article.Editions)
        {
            yield return Edition(edition);
        }

        foreach (var sector in article.Sectors)
        {
            yield return Sector(sector);
        }

        yield return Section(article.Section);
    }
}
