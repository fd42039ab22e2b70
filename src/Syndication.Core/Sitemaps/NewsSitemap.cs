using Syndication.Core.Feeds;

namespace Syndication.Core.Sitemaps;

/// <summary>One story in a Google News sitemap: its canonical URL, headline and public date.</summary>
/// <param name="Language">The story's language (<c>hi</c>, <c>en-GB</c>); the site's when null.</param>
public sealed record NewsSitemapEntry(Uri Url, string Title, DateTimeOffset Published, string? Language);

/// <summary>
/// Google News sitemaps (<c>http://www.google.com/schemas/sitemap-news/0.9</c>): per edition, the
/// stories published in the last <see cref="Window"/>, newest first, at most <see cref="MaxUrls"/>
/// per file (<c>sitemaps/news-{edition}.xml</c>, then <c>-2.xml</c>, <c>-3.xml</c>). Like the feeds,
/// the bytes depend only on the stories, never on the clock, so an unchanged sitemap keeps its ETag.
/// </summary>
public static class NewsSitemap
{
    public const string SitemapNamespace = "http://www.sitemaps.org/schemas/sitemap/0.9";
    public const string NewsNamespace = "http://www.google.com/schemas/sitemap-news/0.9";
    public const string ContentType = "application/xml; charset=utf-8";

    /// <summary>Google News reads at most 1,000 <c>url</c>s per news sitemap.</summary>
    public const int MaxUrls = 1000;

    /// <summary>Google News takes stories of the last two days; older ones leave the sitemap.</summary>
    public static TimeSpan Window { get; } = TimeSpan.FromHours(48);

    /// <summary>Where part <paramref name="part"/> (from 1) of an edition's news sitemap lives in the <c>feeds</c> container.</summary>
    public static string PathOf(string edition, int part) =>
        part <= 1 ? $"sitemaps/news-{edition}.xml" : $"sitemaps/news-{edition}-{part}.xml";

    /// <summary>
    /// Whether a story counts as news at <paramref name="now"/>: public less than <see cref="Window"/>
    /// ago, so it leaves at the instant <see cref="NextExpiry"/> names.
    /// </summary>
    public static bool InWindow(DateTimeOffset published, DateTimeOffset now) => published <= now && published > now - Window;

    /// <summary>
    /// The files of one edition at <paramref name="now"/>: the stories in the window, newest first,
    /// each URL once, cut into files of <see cref="MaxUrls"/>. Always at least one file (an empty
    /// one while nothing is news), so the sitemap index keeps listing the edition.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<NewsSitemapEntry>> Parts(IEnumerable<NewsSitemapEntry> stories, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stories);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var inWindow = stories
            .Where(s => InWindow(s.Published, now))
            .OrderByDescending(s => s.Published)
            .ThenBy(s => s.Url.AbsoluteUri, StringComparer.Ordinal)
            .Where(s => seen.Add(s.Url.AbsoluteUri))
            .ToList();
        if (inWindow.Count == 0)
        {
            return [[]];
        }

        return [.. inWindow.Chunk(MaxUrls).Select(chunk => (IReadOnlyList<NewsSitemapEntry>)chunk)];
    }

    /// <summary>When the oldest of these stories leaves the window: the sitemap must be written again then, new stories or not.</summary>
    public static DateTimeOffset? NextExpiry(IEnumerable<NewsSitemapEntry> listed)
    {
        ArgumentNullException.ThrowIfNull(listed);
        return listed.Any() ? listed.Min(s => s.Published) + Window : null;
    }

    /// <summary>
    /// Google's language code: ISO 639 (two or three letters) without a region, except Chinese,
    /// which Google spells <c>zh-cn</c> (simplified) or <c>zh-tw</c> (traditional).
    /// </summary>
    public static string LanguageCode(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        var code = language.Trim().Replace('_', '-').ToLowerInvariant();
        if (code == "zh" || code.StartsWith("zh-", StringComparison.Ordinal))
        {
            return code is "zh-tw" or "zh-hk" or "zh-mo" or "zh-hant" || code.StartsWith("zh-hant", StringComparison.Ordinal) ? "zh-tw" : "zh-cn";
        }

        var dash = code.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? code[..dash] : code;
    }

    /// <summary>One news sitemap file: a <c>urlset</c> with a <c>news:news</c> per story, in the order given.</summary>
    /// <param name="publication">The publication's name as Google News knows it (the site's name).</param>
    /// <param name="language">The site's language, for stories that do not name their own.</param>
    public static byte[] Write(IReadOnlyList<NewsSitemapEntry> entries, string publication, string language)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(publication);
        ArgumentNullException.ThrowIfNull(language);
        using var buffer = new PooledBuffer(1024 + (entries.Count * 400));
        var xml = new Utf8Xml(buffer);
        xml.Raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset"u8)
            .Attribute(" xmlns=\""u8, SitemapNamespace)
            .Attribute(" xmlns:news=\""u8, NewsNamespace)
            .Raw(">\n"u8);
        var name = FeedText.Plain(publication);
        Span<char> date = stackalloc char[24];
        foreach (var entry in entries)
        {
            xml.Raw("  <url>\n"u8)
                .Element("    <loc>"u8, entry.Url.AbsoluteUri, "</loc>\n"u8)
                .Raw("    <news:news>\n      <news:publication>\n"u8)
                .Element("        <news:name>"u8, name, "</news:name>\n"u8)
                .Element("        <news:language>"u8, LanguageCode(entry.Language is { Length: > 0 } own ? own : language), "</news:language>\n"u8)
                .Raw("      </news:publication>\n"u8)
                .Element("      <news:publication_date>"u8, FeedText.Rfc3339(entry.Published, date), "</news:publication_date>\n"u8)
                .Element("      <news:title>"u8, FeedText.Plain(entry.Title), "</news:title>\n"u8)
                .Raw("    </news:news>\n  </url>\n"u8);
        }

        xml.Raw("</urlset>\n"u8);
        return buffer.ToArray();
    }
}

/// <summary>
/// The sitemap index (<c>sitemap.xml</c> at the root of the <c>feeds</c> container): every news
/// sitemap, with the date of its newest story. A site's <c>robots.txt</c> names it in a
/// <c>Sitemap:</c> line, which is how search engines accept sitemaps served from another host.
/// </summary>
public static class SitemapIndex
{
    public const string FileName = "sitemap.xml";

    public static byte[] Write(IEnumerable<(Uri Location, DateTimeOffset? LastModified)> sitemaps)
    {
        ArgumentNullException.ThrowIfNull(sitemaps);
        using var buffer = new PooledBuffer(4096);
        var xml = new Utf8Xml(buffer);
        xml.Raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex"u8)
            .Attribute(" xmlns=\""u8, NewsSitemap.SitemapNamespace)
            .Raw(">\n"u8);
        Span<char> date = stackalloc char[24];
        foreach (var (location, lastModified) in sitemaps)
        {
            xml.Raw("  <sitemap>\n"u8).Element("    <loc>"u8, location.AbsoluteUri, "</loc>\n"u8);
            if (lastModified is { } modified)
            {
                xml.Element("    <lastmod>"u8, FeedText.Rfc3339(modified, date), "</lastmod>\n"u8);
            }

            xml.Raw("  </sitemap>\n"u8);
        }

        xml.Raw("</sitemapindex>\n"u8);
        return buffer.ToArray();
    }
}
