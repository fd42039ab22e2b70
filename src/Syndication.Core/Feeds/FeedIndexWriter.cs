using System.Net;
using System.Text;

namespace Syndication.Core.Feeds;

/// <summary>What the feeds' index page lists.</summary>
/// <param name="Language">The page's language (<c>lang</c>), for screen readers and translation.</param>
public sealed record FeedIndexPage(string Title, string Description, string Language, IReadOnlyList<FeedChannel> Channels)
{
    /// <summary>The formats linked for every channel.</summary>
    public IReadOnlyList<FeedFormat> Formats { get; init; } = FeedFormats.All;

    /// <summary>The OPML list of the same feeds, linked when set.</summary>
    public Uri? OpmlUrl { get; init; }

    /// <summary>The sitemap index (news sitemaps for search engines), linked when set.</summary>
    public Uri? SitemapUrl { get; init; }
}

/// <summary>
/// Writes <c>index.html</c>: a small accessible page listing every feed, whose head carries a
/// <c>link rel="alternate"</c> per feed so that readers and browser extensions discover them all
/// from one URL. Everything written is HTML-encoded; no dates, so the same feeds give the same bytes.
/// </summary>
public static class FeedIndexWriter
{
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>Where the page lives in the <c>feeds</c> container.</summary>
    public const string FileName = "index.html";

    public static byte[] Write(FeedIndexPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var title = FeedText.Plain(page.Title);
        var html = new StringBuilder(4096 + (page.Channels.Count * 600));
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(Encode(page.Language)).Append("\">\n<head>\n");
        html.Append("<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(Encode(title)).Append("</title>\n");
        html.Append("<meta name=\"description\" content=\"").Append(Encode(FeedText.Plain(page.Description))).Append("\">\n");
        foreach (var channel in page.Channels)
        {
            foreach (var format in page.Formats)
            {
                html.Append("<link rel=\"alternate\" type=\"").Append(FeedFormats.MediaType(format))
                    .Append("\" title=\"").Append(Encode($"{FeedText.Plain(channel.Title)} ({FeedFormats.DisplayName(format)})"))
                    .Append("\" href=\"").Append(Encode(channel.UrlOf(format).AbsoluteUri)).Append("\">\n");
            }
        }

        if (page.OpmlUrl is { } opml)
        {
            html.Append("<link rel=\"outline\" type=\"text/x-opml\" title=\"").Append(Encode(title))
                .Append("\" href=\"").Append(Encode(opml.AbsoluteUri)).Append("\">\n");
        }

        if (page.SitemapUrl is { } sitemap)
        {
            html.Append("<link rel=\"sitemap\" type=\"application/xml\" title=\"Sitemap\" href=\"").Append(Encode(sitemap.AbsoluteUri)).Append("\">\n");
        }

        // Readable at any zoom and in dark mode; the visually hidden text completes each link's
        // name for screen readers ("RSS feed: India"), which "RSS" alone would not.
        html.Append("<style>\n")
            .Append(":root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}\n")
            .Append("main{max-width:48rem;margin:0 auto;padding:1rem}\n")
            .Append("ul.feeds{list-style:none;padding:0}ul.feeds>li{margin:0 0 1.25rem}\n")
            .Append("ul.formats{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0;margin:.25rem 0}\n")
            .Append("h2{font-size:1.15rem;margin:0}p{margin:.25rem 0}\n")
            .Append(".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}\n")
            .Append("</style>\n</head>\n<body>\n<main>\n");
        html.Append("<h1>").Append(Encode(title)).Append("</h1>\n");
        if (FeedText.Plain(page.Description) is { Length: > 0 } description)
        {
            html.Append("<p>").Append(Encode(description)).Append("</p>\n");
        }

        if (page.OpmlUrl is { } list)
        {
            html.Append("<p><a href=\"").Append(Encode(list.AbsoluteUri)).Append("\" type=\"text/x-opml\">All feeds as OPML</a>, to subscribe to every one at once.</p>\n");
        }

        if (page.SitemapUrl is { } sitemapLink)
        {
            html.Append("<p><a href=\"").Append(Encode(sitemapLink.AbsoluteUri)).Append("\" type=\"application/xml\">Sitemap index</a>: each edition's Google News sitemap, for search engines.</p>\n");
        }

        html.Append("<p>Every feed keeps its history: its RSS and Atom files link their archive (<code>prev-archive</code>, RFC 5005), and its JSON Feed pages back through <code>next_url</code>.</p>\n");
        html.Append("<ul class=\"feeds\">\n");
        foreach (var channel in page.Channels)
        {
            var channelTitle = Encode(FeedText.Plain(channel.Title));
            html.Append("<li>\n<h2>").Append(channelTitle).Append("</h2>\n");
            if (FeedText.Plain(channel.Description) is { Length: > 0 } channelDescription)
            {
                html.Append("<p>").Append(Encode(channelDescription)).Append("</p>\n");
            }

            html.Append("<ul class=\"formats\">\n");
            foreach (var format in page.Formats)
            {
                html.Append("<li><a href=\"").Append(Encode(channel.UrlOf(format).AbsoluteUri))
                    .Append("\" type=\"").Append(FeedFormats.MediaType(format)).Append("\">")
                    .Append(Encode(FeedFormats.DisplayName(format)))
                    .Append("<span class=\"visually-hidden\"> feed: ").Append(channelTitle).Append("</span></a></li>\n");
            }

            html.Append("</ul>\n</li>\n");
        }

        html.Append("</ul>\n</main>\n</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
