using Syndication.Core.Articles;

namespace Syndication.Core.Ingestion.Feeds;

/// <summary>The syndication formats <see cref="FeedReader"/> understands.</summary>
public enum FeedFormat
{
    /// <summary>RSS 0.91, 0.92 and 2.0 (<c>&lt;rss&gt;</c>).</summary>
    Rss,

    /// <summary>RSS 0.90 and 1.0 (<c>&lt;rdf:RDF&gt;</c>).</summary>
    Rdf,

    /// <summary>Atom 1.0 (and the 0.3 draft, read the same way).</summary>
    Atom,

    /// <summary>JSON Feed 1.0 and 1.1.</summary>
    JsonFeed,
}

/// <summary>An upstream feed as read: what the channel says about itself, and its entries in document order.</summary>
public sealed record ParsedFeed
{
    public required FeedFormat Format { get; init; }

    /// <summary>The version the feed declares (<c>2.0</c>, <c>0.91</c>, <c>1.0</c>, <c>1.1</c>), where it declares one.</summary>
    public string? Version { get; init; }

    public string? Title { get; init; }

    /// <summary>The site the feed belongs to (RSS <c>link</c>, Atom alternate link, JSON Feed <c>home_page_url</c>).</summary>
    public string? Link { get; init; }

    public string? Language { get; init; }

    /// <summary>When the feed says it was last built or published (<c>lastBuildDate</c>, <c>pubDate</c>, Atom <c>updated</c>), in UTC.</summary>
    public DateTimeOffset? Updated { get; init; }

    /// <summary>RSS <c>ttl</c>: minutes the channel may be cached before it is read again.</summary>
    public int? TtlMinutes { get; init; }

    /// <summary>RSS <c>skipHours</c>: hours (0-23, GMT) in which the channel asks not to be read.</summary>
    public IReadOnlyList<int> SkipHours { get; init; } = [];

    /// <summary>RSS <c>skipDays</c>: days (GMT) on which the channel asks not to be read.</summary>
    public IReadOnlyList<DayOfWeek> SkipDays { get; init; } = [];

    public IReadOnlyList<ParsedEntry> Entries { get; init; } = [];
}

/// <summary>One item of an upstream feed, as the feed wrote it (text decoded, dates in UTC).</summary>
public sealed record ParsedEntry
{
    /// <summary>RSS <c>guid</c>, RDF <c>rdf:about</c>, Atom or JSON Feed <c>id</c>.</summary>
    public string? Id { get; init; }

    /// <summary>Plain text; Atom titles of type html/xhtml have their markup removed.</summary>
    public string? Title { get; init; }

    public string? Link { get; init; }

    /// <summary>RSS <c>description</c>, Atom <c>summary</c>, JSON Feed <c>summary</c>, as HTML.</summary>
    public string? SummaryHtml { get; init; }

    /// <summary><c>content:encoded</c>, Atom <c>content</c>, JSON Feed <c>content_html</c>/<c>content_text</c>, as HTML.</summary>
    public string? ContentHtml { get; init; }

    /// <summary>Author names, joined with ", " where there are several.</summary>
    public string? Author { get; init; }

    public DateTimeOffset? Published { get; init; }

    public DateTimeOffset? Updated { get; init; }

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Pictures in feed order (<c>media:content</c>, image enclosures), then thumbnails; each URL once.</summary>
    public IReadOnlyList<FeedImage> Images { get; init; } = [];

    /// <summary>
    /// The entry as the one internal shape every reader produces. <paramref name="feed"/> gives what
    /// the entry leaves out: the language, and the feed's own date when the entry has none (an item
    /// in a feed built at that instant was published no later than then).
    /// </summary>
    /// <exception cref="RejectedInputException">The entry has no id or link, no title, or no text.</exception>
    public ArticleDraft ToDraft(ParsedFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var key = Id ?? Link
            ?? throw new RejectedInputException("The feed entry has neither an id (guid) nor a link, so it cannot be identified or updated later.");
        var headline = Title
            ?? throw new RejectedInputException($"The feed entry '{key}' has no title.");
        // A description that is only markup (Indian Express sends a 1x1 tracking pixel) is no body either.
        var body = (HasText(ContentHtml) ? ContentHtml : null) ?? (HasText(SummaryHtml) ? SummaryHtml : null)
            ?? throw new RejectedInputException($"The feed entry '{key}' has no text in its content or description to publish.");

        var created = Published ?? Updated ?? feed.Updated;
        return new ArticleDraft
        {
            SourceKey = key,
            Headline = headline,
            Summary = SummaryHtml is null ? null : NullIfEmpty(HtmlText.ToPlainText(SummaryHtml)),
            BodyHtml = body,
            Byline = Author,
            Language = feed.Language,
            Created = created,
            Updated = Updated ?? created,
            SubjectCodes = [.. Categories.Select(NinjsReader.MediaTopicCode).OfType<string>().Distinct()],
            Images = DraftImages(),
        };
    }

    /// <summary>URLs become <see cref="Uri"/>s only here: parsing a URI costs more than reading it, and most entries read are never drafted.</summary>
    private List<ArticleImage> DraftImages()
    {
        var images = new List<ArticleImage>(Images.Count);
        foreach (var image in Images)
        {
            if (Uri.TryCreate(image.Url, UriKind.Absolute, out var url))
            {
                images.Add(new ArticleImage(url, image.Alt, image.Width, image.Height, image.Credit));
            }
        }

        return images;
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static bool HasText(string? html) => html is not null && HtmlText.ToPlainText(html).Length > 0;
}

/// <summary>A picture an entry names, as the feed wrote it.</summary>
public sealed record FeedImage(string Url, string? Alt = null, int? Width = null, int? Height = null, string? Credit = null, bool IsThumbnail = false);
