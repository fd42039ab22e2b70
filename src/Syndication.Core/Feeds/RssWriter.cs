using System.Globalization;
using System.Text;
using System.Xml;

namespace Syndication.Core.Feeds;

/// <summary>
/// Writes RSS 2.0 with the extensions readers expect: <c>atom:link</c> self and hub, <c>dc:creator</c>,
/// <c>content:encoded</c> and Media RSS. The output depends only on the channel and the entries,
/// never on the clock, so building twice from the same articles gives the same bytes and the
/// stored blob keeps its ETag.
/// </summary>
public static class RssWriter
{
    public const string ContentType = "application/rss+xml; charset=utf-8";
    internal const string AtomNamespace = "http://www.w3.org/2005/Atom";
    internal const string DublinCoreNamespace = "http://purl.org/dc/elements/1.1/";
    internal const string ContentNamespace = "http://purl.org/rss/1.0/modules/content/";

    /// <summary>Media RSS; the trailing slash is part of the namespace name, and readers match it exactly.</summary>
    internal const string MediaNamespace = "http://search.yahoo.com/mrss/";

    internal static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",

        // Every text is cleaned of what XML forbids before it gets here (XmlText.Clean), so the
        // writer need not check each character again.
        CheckCharacters = false,
    };

    /// <summary>The channel's RSS feed under the size cap of <paramref name="options"/>.</summary>
    public static byte[] Write(FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options = null) =>
        FeedWriter.Write(FeedFormat.Rss, channel, entries, options).Content.ToArray();

    /// <summary>As the stage calls it today: <paramref name="siteName"/> is the publisher.</summary>
    public static byte[] Write(FeedChannel channel, IReadOnlyList<FeedEntry> entries, string siteName)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return Write(channel with { Publisher = channel.Publisher ?? siteName }, entries, FeedWriteOptions.Default);
    }

    /// <summary>RFC 822 date as RSS wants it, in GMT with the weekday that matches.</summary>
    public static string Rfc822(DateTimeOffset instant) => FeedText.Rfc822(instant);

    internal static void WriteBody(Stream stream, FeedChannel channel, IReadOnlyList<PreparedEntry> items, Limits limits)
    {
        using var xml = XmlWriter.Create(stream, Settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("rss");
        xml.WriteAttributeString("version", "2.0");

        // The prefixes readers and the W3C validator know (atom:, not a10: as .NET's formatter writes).
        xml.WriteAttributeString("xmlns", "atom", null, AtomNamespace);
        xml.WriteAttributeString("xmlns", "dc", null, DublinCoreNamespace);
        xml.WriteAttributeString("xmlns", "content", null, ContentNamespace);
        xml.WriteAttributeString("xmlns", "media", null, MediaNamespace);
        xml.WriteStartElement("channel");
        var title = FeedText.Plain(channel.Title);
        xml.WriteElementString("title", title);
        xml.WriteElementString("link", channel.HomePage.AbsoluteUri);
        xml.WriteElementString("description", FeedText.Plain(channel.Description) is { Length: > 0 } description ? description : title);
        xml.WriteElementString("language", channel.Language);
        WriteAtomLink(xml, "self", channel.UrlOf(FeedFormat.Rss), FeedFormats.MediaType(FeedFormat.Rss));
        if (channel.HubUrl is { } hub)
        {
            WriteAtomLink(xml, "hub", hub, type: null);
        }

        // The newest change among the items written: the same items give the same date.
        var lastBuild = items.Where(limits.Includes).Select(e => e.Updated).DefaultIfEmpty().Max();
        if (lastBuild != default)
        {
            xml.WriteElementString("lastBuildDate", FeedText.Rfc822(lastBuild));
        }

        xml.WriteElementString("docs", "https://www.rssboard.org/rss-specification");
        xml.WriteElementString("generator", FeedText.Plain(channel.Generator));
        xml.WriteElementString("ttl", channel.TtlMinutes.ToString(CultureInfo.InvariantCulture));
        if (channel.ImageUrl is { } image)
        {
            xml.WriteStartElement("image");
            xml.WriteElementString("url", image.AbsoluteUri);
            xml.WriteElementString("title", title);
            xml.WriteElementString("link", channel.HomePage.AbsoluteUri);
            xml.WriteEndElement();
        }

        foreach (var entry in items)
        {
            if (limits.Includes(entry))
            {
                WriteItem(xml, entry, limits.HasContent(entry));
            }
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteItem(XmlWriter xml, PreparedEntry entry, bool withContent)
    {
        xml.WriteStartElement("item");
        xml.WriteElementString("title", entry.Title);
        xml.WriteElementString("link", entry.Link);
        xml.WriteStartElement("guid");
        xml.WriteAttributeString("isPermaLink", "true");
        xml.WriteString(entry.Id);
        xml.WriteEndElement();
        xml.WriteElementString("pubDate", FeedText.Rfc822(entry.Published));

        // The plain summary first, for readers that show only description; the full body after.
        if (entry.Summary.Length > 0)
        {
            xml.WriteElementString("description", entry.Summary);
        }

        if (withContent)
        {
            xml.WriteStartElement("content", "encoded", ContentNamespace);
            FeedHtml.WriteCData(xml, entry.ContentHtml!);
            xml.WriteEndElement();
        }

        if (entry.Author is { } author)
        {
            xml.WriteElementString("dc", "creator", DublinCoreNamespace, author);
        }

        if (entry.Language is { } language)
        {
            xml.WriteElementString("dc", "language", DublinCoreNamespace, language);
        }

        foreach (var category in entry.Sectors)
        {
            WriteCategory(xml, category);
        }

        WriteCategory(xml, entry.Section);
        foreach (var image in entry.Images)
        {
            WriteMediaContent(xml, image);
        }

        xml.WriteEndElement();
    }

    private static void WriteCategory(XmlWriter xml, PreparedCategory category)
    {
        xml.WriteStartElement("category");
        xml.WriteAttributeString("domain", category.Scheme);
        xml.WriteString(category.Term);
        xml.WriteEndElement();
    }

    internal static void WriteAtomLink(XmlWriter xml, string rel, Uri href, string? type)
    {
        xml.WriteStartElement("atom", "link", AtomNamespace);
        xml.WriteAttributeString("href", href.AbsoluteUri);
        xml.WriteAttributeString("rel", rel);
        if (type is not null)
        {
            xml.WriteAttributeString("type", type);
        }

        xml.WriteEndElement();
    }

    /// <summary>Media RSS <c>media:content</c>: what Feedly, Inoreader and NetNewsWire show as the item's picture.</summary>
    internal static void WriteMediaContent(XmlWriter xml, PreparedImage image)
    {
        xml.WriteStartElement("media", "content", MediaNamespace);
        xml.WriteAttributeString("url", image.Url);
        xml.WriteAttributeString("medium", "image");
        if (image.Width is { } width)
        {
            xml.WriteAttributeString("width", width.ToString(CultureInfo.InvariantCulture));
        }

        if (image.Height is { } height)
        {
            xml.WriteAttributeString("height", height.ToString(CultureInfo.InvariantCulture));
        }

        if (image.Alt is { } alt)
        {
            xml.WriteStartElement("media", "description", MediaNamespace);
            xml.WriteAttributeString("type", "plain");
            xml.WriteString(alt);
            xml.WriteEndElement();
        }

        if (image.Credit is { } credit)
        {
            xml.WriteElementString("media", "credit", MediaNamespace, credit);
        }

        xml.WriteEndElement();
    }
}
