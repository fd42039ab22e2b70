using System.Text;
using System.Xml;

namespace Syndication.Core.Feeds;

/// <summary>One subscription in an OPML list.</summary>
/// <param name="XmlUrl">The feed's URL.</param>
/// <param name="HtmlUrl">The page the feed is about.</param>
public sealed record OpmlFeed(string Title, Uri XmlUrl, Uri HtmlUrl, FeedFormat Format)
{
    public string? Description { get; init; }

    public string? Language { get; init; }

    /// <summary>The subscription to <paramref name="channel"/>'s feed in <paramref name="format"/>.</summary>
    public static OpmlFeed Of(FeedChannel channel, FeedFormat format = FeedFormat.Rss)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return new OpmlFeed(channel.Title, channel.UrlOf(format), channel.HomePage, format)
        {
            Description = channel.Description,
            Language = channel.Language,
        };
    }
}

/// <summary>
/// Writes an OPML 2.0 subscription list (http://opml.org/spec2.opml), which every reader imports
/// to subscribe to many feeds at once. No dates in the head: the same feeds give the same bytes.
/// </summary>
public static class OpmlWriter
{
    /// <summary>OPML has no registered media type; text/x-opml is the one readers and browsers recognise.</summary>
    public const string ContentType = "text/x-opml; charset=utf-8";

    /// <summary>Where the list lives in the <c>feeds</c> container.</summary>
    public const string FileName = "feeds.opml";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",

        // Every text is cleaned of what XML forbids first (FeedText.Plain), so no need to check again.
        CheckCharacters = false,
    };

    public static byte[] Write(string title, IEnumerable<OpmlFeed> feeds, string? ownerName = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(feeds);
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, Settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("opml");
            xml.WriteAttributeString("version", "2.0");
            xml.WriteStartElement("head");
            xml.WriteElementString("title", FeedText.Plain(title));
            if (ownerName is { Length: > 0 })
            {
                xml.WriteElementString("ownerName", FeedText.Plain(ownerName));
            }

            xml.WriteElementString("docs", "http://opml.org/spec2.opml");
            xml.WriteEndElement();
            xml.WriteStartElement("body");
            foreach (var feed in feeds)
            {
                var feedTitle = FeedText.Plain(feed.Title);
                xml.WriteStartElement("outline");
                xml.WriteAttributeString("text", feedTitle);
                xml.WriteAttributeString("title", feedTitle);

                // OPML 2.0 says type="rss" for every subscription, whatever the feed's format:
                // readers (Miniflux, FreshRSS, NetNewsWire, Feedly) subscribe to xmlUrl and sniff
                // the format themselves. "version" is defined for RSS only.
                xml.WriteAttributeString("type", "rss");
                if (feed.Format == FeedFormat.Rss)
                {
                    xml.WriteAttributeString("version", "RSS2");
                }

                xml.WriteAttributeString("xmlUrl", feed.XmlUrl.AbsoluteUri);
                xml.WriteAttributeString("htmlUrl", feed.HtmlUrl.AbsoluteUri);
                if (feed.Description is { Length: > 0 } description)
                {
                    xml.WriteAttributeString("description", FeedText.Plain(description));
                }

                if (feed.Language is { Length: > 0 } language)
                {
                    xml.WriteAttributeString("language", language);
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return stream.ToArray();
    }
}
