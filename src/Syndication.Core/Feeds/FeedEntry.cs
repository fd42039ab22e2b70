using System.Diagnostics.CodeAnalysis;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;

namespace Syndication.Core.Feeds;

/// <summary>What a feed needs of one article: the index row, not the whole stored article.</summary>
public sealed record FeedEntry
{
    private readonly Uri? _permanentId;

    public required string Id { get; init; }

    /// <summary>Where the article is read today; must be absolute.</summary>
    public required Uri Url { get; init; }

    /// <summary>
    /// What readers key the item on (RSS <c>guid</c>, Atom <c>id</c>, JSON Feed <c>id</c>): the
    /// article's permanent URL as captured at first publication, so that a later change of section
    /// or domain never shows an old story as new. Until the stage stores one, it is <see cref="Url"/>.
    /// </summary>
    public Uri PermanentId
    {
        get => _permanentId ?? Url;
        init => _permanentId = value;
    }

    /// <summary>The headline; writers reduce it to plain text (tags stripped, entities decoded).</summary>
    public required string Headline { get; init; }

    /// <summary>A plain-text summary; when absent, writers take the start of <see cref="ContentHtml"/>.</summary>
    public string? Summary { get; init; }

    /// <summary>The full body as HTML; the first thing dropped when a feed would be too large.</summary>
    public string? ContentHtml { get; init; }

    /// <summary>Byline or desk, e.g. "Devdiscourse News Desk": the entry's author.</summary>
    public string? Byline { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Updated { get; init; }

    /// <summary>Sector ids (<c>health</c>): categories in the channel's <see cref="FeedTaxonomy"/>.</summary>
    public IReadOnlyList<string> Sectors { get; init; } = [];

    public SectionType Section { get; init; } = SectionType.News;

    /// <summary>The article's language; written on an item only where it differs from the channel's.</summary>
    public string? Language { get; init; }

    public IReadOnlyList<ArticleImage> Images { get; init; } = [];

    /// <summary>A correction to show at the top of the item (summary and body) in every format; none when null.</summary>
    public string? Correction { get; init; }

    public static FeedEntry From(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return new FeedEntry
        {
            Id = article.Id,
            Url = article.Url,
            Headline = article.Headline,
            Summary = article.Summary,
            ContentHtml = article.BodyHtml,
            Byline = article.Byline,
            Created = article.Created,
            Updated = article.Updated,
            Sectors = article.Sectors,
            Section = article.Section,
            Language = article.Language,
            Images = article.Images,
            Correction = article.Correction,
        };
    }
}

/// <summary>The formats every channel is written in; each lives beside the others in the channel's folder.</summary>
public enum FeedFormat
{
    Rss,
    Atom,
    Json,
}

/// <summary>File names and media types of the feed formats.</summary>
public static class FeedFormats
{
    public static IReadOnlyList<FeedFormat> All { get; } = [FeedFormat.Rss, FeedFormat.Atom, FeedFormat.Json];

    /// <summary>The file name in a channel's folder: <c>rss.xml</c>, <c>atom.xml</c>, <c>feed.json</c>.</summary>
    public static string FileName(FeedFormat format) => format switch
    {
        FeedFormat.Rss => "rss.xml",
        FeedFormat.Atom => "atom.xml",
        FeedFormat.Json => "feed.json",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The Content-Type to store the blob with, charset included.</summary>
    public static string ContentType(FeedFormat format) => format switch
    {
        FeedFormat.Rss => RssWriter.ContentType,
        FeedFormat.Atom => AtomWriter.ContentType,
        FeedFormat.Json => JsonFeedWriter.ContentType,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The bare media type, as autodiscovery links and <c>atom:link type</c> want it.</summary>
    public static string MediaType(FeedFormat format) => format switch
    {
        FeedFormat.Rss => "application/rss+xml",
        FeedFormat.Atom => "application/atom+xml",
        FeedFormat.Json => "application/feed+json",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>How people call the format, for link text.</summary>
    public static string DisplayName(FeedFormat format) => format switch
    {
        FeedFormat.Rss => "RSS",
        FeedFormat.Atom => "Atom",
        FeedFormat.Json => "JSON Feed",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}

/// <summary>
/// The channel a feed describes: one edition, sector or section of the site. A channel is a folder
/// of the <c>feeds</c> container holding the same items as <c>rss.xml</c>, <c>atom.xml</c> and
/// <c>feed.json</c>; each format's self link is its own file's URL.
/// </summary>
public sealed record FeedChannel
{
    private readonly Uri _folderUrl = null!;
    private readonly FeedTaxonomy? _taxonomy;

    public FeedChannel()
    {
    }

    /// <summary>
    /// A channel from the path and URL of one of its feeds: the folder and its URL are what is left
    /// without the file name.
    /// </summary>
    [SetsRequiredMembers]
    public FeedChannel(string path, string title, string description, Uri link, Uri selfUrl, string language, int ttlMinutes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(selfUrl);
        var slash = path.LastIndexOf('/');
        var fileName = path[(slash + 1)..];
        if (!FeedFormats.All.Any(f => FeedFormats.FileName(f) == fileName))
        {
            throw new ArgumentException($"'{path}' does not end in a feed file name (rss.xml, atom.xml, feed.json).", nameof(path));
        }

        Folder = slash < 0 ? "" : path[..slash];
        FolderUrl = new Uri(selfUrl, ".");
        Title = title;
        Description = description;
        HomePage = link;
        Language = language;
        TtlMinutes = ttlMinutes;
    }

    /// <summary>The folder in the <c>feeds</c> container: <c>""</c> for the site-wide feeds, <c>editions/india</c> for an edition's.</summary>
    public required string Folder { get; init; }

    /// <summary>The folder's public URL (CDN, custom domain or the storage account's own); a trailing slash is added.</summary>
    public required Uri FolderUrl
    {
        get => _folderUrl;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _folderUrl = value.AbsoluteUri.EndsWith('/') ? value : new Uri(value.AbsoluteUri + "/");
        }
    }

    public required string Title { get; init; }

    public required string Description { get; init; }

    /// <summary>The site's page for this channel: RSS <c>link</c>, Atom <c>link rel="alternate"</c>, JSON Feed <c>home_page_url</c>.</summary>
    public required Uri HomePage { get; init; }

    public string Language { get; init; } = "en";

    /// <summary>RSS <c>ttl</c>: minutes a reader may wait between polls.</summary>
    public int TtlMinutes { get; init; } = 15;

    /// <summary>A WebSub hub readers may subscribe at for pushes; none when null.</summary>
    public Uri? HubUrl { get; init; }

    /// <summary>The channel's logo (RSS <c>image</c>, Atom <c>logo</c>, JSON Feed <c>icon</c>); none when null.</summary>
    public Uri? ImageUrl { get; init; }

    public string Generator { get; init; } = "Syndication";

    /// <summary>Who publishes the feed (the site's name): the feed-level author Atom needs for entries without a byline. Defaults to <see cref="Title"/>.</summary>
    public string? Publisher { get; init; }

    /// <summary>
    /// Where the feed's history is (RFC 5005 archived feeds): the current feed links its newest
    /// archive, an archive document links the current feed and its neighbours. None when null.
    /// </summary>
    public FeedHistory? History { get; init; }

    /// <summary>The schemes categories are written in; by default derived from <see cref="HomePage"/>.</summary>
    public FeedTaxonomy Taxonomy
    {
        get => _taxonomy ?? FeedTaxonomy.ForSite(HomePage);
        init => _taxonomy = value;
    }

    /// <summary>The RSS feed's path.</summary>
    public string Path => PathOf(FeedFormat.Rss);

    /// <summary>The RSS feed's public URL.</summary>
    public Uri SelfUrl => UrlOf(FeedFormat.Rss);

    /// <summary>Where the feed of <paramref name="format"/> lives in the <c>feeds</c> container: <c>editions/india/atom.xml</c>.</summary>
    public string PathOf(FeedFormat format) =>
        Folder.Length == 0 ? FeedFormats.FileName(format) : $"{Folder.TrimEnd('/')}/{FeedFormats.FileName(format)}";

    /// <summary>The public URL of the feed of <paramref name="format"/>: its self link.</summary>
    public Uri UrlOf(FeedFormat format) => new(FolderUrl, FeedFormats.FileName(format));
}

/// <summary>
/// A feed's place in its archive (RFC 5005, section 4), as folder URLs: each format links the same
/// format's file in the folder (<c>archive/3/atom.xml</c> from <c>atom.xml</c>). JSON Feed has no
/// archive vocabulary: its <c>next_url</c> goes to <see cref="PreviousArchive"/>, older items, page by page.
/// </summary>
public sealed record FeedHistory
{
    /// <summary>RFC 5005 namespace of <c>fh:archive</c>.</summary>
    public const string Namespace = "http://purl.org/syndication/history/1.0";

    /// <summary>An archive document (<c>fh:archive</c>), not the current feed.</summary>
    public bool IsArchive { get; init; }

    /// <summary>The current feed's folder (<c>current</c>); archives only.</summary>
    public Uri? Current { get; init; }

    /// <summary>The next older archive's folder (<c>prev-archive</c>); none for the oldest.</summary>
    public Uri? PreviousArchive { get; init; }

    /// <summary>The next newer archive's folder (<c>next-archive</c>); none for the newest.</summary>
    public Uri? NextArchive { get; init; }

    /// <summary>The feed of <paramref name="format"/> in <paramref name="folder"/>.</summary>
    public static Uri In(Uri folder, FeedFormat format)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return new Uri(folder.AbsoluteUri.EndsWith('/') ? folder : new Uri(folder.AbsoluteUri + "/"), FeedFormats.FileName(format));
    }
}

/// <summary>
/// The taxonomies entries are categorised in: RSS <c>category domain</c> and Atom <c>category scheme</c>.
/// </summary>
/// <param name="SectorScheme">Identifies the sector taxonomy; a sector's id is its term.</param>
/// <param name="SectionScheme">Identifies the section taxonomy (news, opinion, ...).</param>
public sealed record FeedTaxonomy(Uri SectorScheme, Uri SectionScheme)
{
    /// <summary>Display names of sectors by id (<c>health</c> → <c>Health</c>); the id where missing.</summary>
    public IReadOnlyDictionary<string, string> SectorLabels { get; init; } = new Dictionary<string, string>();

    /// <summary>Schemes under the site: <c>{site}/sectors/</c> and <c>{site}/sections/</c>.</summary>
    public static FeedTaxonomy ForSite(Uri site) => new(new Uri(site, "/sectors/"), new Uri(site, "/sections/"));

    /// <summary>The site's schemes with the catalog's sector names as labels.</summary>
    public static FeedTaxonomy For(PublicationCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return ForSite(new Uri(catalog.Site.BaseUrl)) with
        {
            SectorLabels = catalog.Sectors.ToDictionary(s => s.Id, s => s.Name, StringComparer.OrdinalIgnoreCase),
        };
    }

    public string SectorLabel(string id) => SectorLabels.TryGetValue(id, out var label) ? label : id;
}
