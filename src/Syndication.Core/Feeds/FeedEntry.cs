using Syndication.Core.Articles;

namespace Syndication.Core.Feeds;

/// <summary>What a feed needs of one article: the index row, not the whole stored article.</summary>
public sealed record FeedEntry
{
    public required string Id { get; init; }

    public required Uri Url { get; init; }

    public required string Headline { get; init; }

    public string? Summary { get; init; }

    public string? Byline { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Updated { get; init; }

    public IReadOnlyList<string> Sectors { get; init; } = [];

    public SectionType Section { get; init; } = SectionType.News;

    public static FeedEntry From(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return new FeedEntry
        {
            Id = article.Id,
            Url = article.Url,
            Headline = article.Headline,
            Summary = article.Summary,
            Byline = article.Byline,
            Created = article.Created,
            Updated = article.Updated,
            Sectors = article.Sectors,
            Section = article.Section,
        };
    }
}

/// <summary>The channel a feed describes: one edition, sector or section of the site.</summary>
/// <param name="Path">Where the feed lives in the <c>feeds</c> container (<c>editions/india/rss.xml</c>).</param>
/// <param name="SelfUrl">The public URL readers poll.</param>
public sealed record FeedChannel(string Path, string Title, string Description, Uri Link, Uri SelfUrl, string Language, int TtlMinutes);
