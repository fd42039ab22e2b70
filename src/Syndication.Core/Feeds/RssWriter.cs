using System.Buffers;
using System.Globalization;

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

    /// <summary>The channel's RSS feed under the size cap of <paramref name="options"/>.</summary>
    public static byte[] Write(FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options = null) =>
        FeedWriter.WriteBytes(FeedFormat.Rss, channel, entries, options);

    /// <summary>
    /// The same bytes as <see cref="Write(FeedChannel, IReadOnlyList{FeedEntry}, FeedWriteOptions?)"/>
    /// appended to <paramref name="output"/> (a buffer the caller reuses from feed to feed), without
    /// allocating an array for them. Returns the number of bytes written.
    /// </summary>
    public static int Write(FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options, IBufferWriter<byte> output) =>
        FeedWriter.Write(FeedFormat.Rss, channel, entries, options, output);

    /// <summary>RFC 822 date as RSS wants it, in GMT with the weekday that matches.</summary>
    public static string Rfc822(DateTimeOffset instant) => FeedText.Rfc822(instant);

    internal static void WriteBody(PooledBuffer buffer, FeedChannel channel, IReadOnlyList<PreparedEntry> items, Limits limits, ItemSize[]? sizes)
    {
        var xml = new Utf8Xml(buffer);

        // The prefixes readers and the W3C validator know (atom:, not a10: as .NET's formatter writes).
        xml.Raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\""u8)
            .Attribute(" xmlns:atom=\""u8, AtomNamespace)
            .Attribute(" xmlns:dc=\""u8, DublinCoreNamespace)
            .Attribute(" xmlns:content=\""u8, ContentNamespace)
            .Attribute(" xmlns:media=\""u8, MediaNamespace);
        if (channel.History is { IsArchive: true })
        {
            xml.Attribute(" xmlns:fh=\""u8, FeedHistory.Namespace);
        }

        xml.Raw(">\n  <channel>\n"u8);
        var title = FeedText.Plain(channel.Title);
        xml.Element("    <title>"u8, title, "</title>\n"u8)
            .Element("    <link>"u8, channel.HomePage.AbsoluteUri, "</link>\n"u8)
            .Element("    <description>"u8, FeedText.Plain(channel.Description) is { Length: > 0 } description ? description : title, "</description>\n"u8)
            .Element("    <language>"u8, XmlText.Clean(channel.Language), "</language>\n"u8);
        xml.Attribute("    <atom:link href=\""u8, channel.UrlOf(FeedFormat.Rss).AbsoluteUri)
            .Attribute(" rel=\""u8, "self")
            .Attribute(" type=\""u8, FeedFormats.MediaType(FeedFormat.Rss))
            .Raw(" />\n"u8);
        if (channel.HubUrl is { } hub)
        {
            xml.Attribute("    <atom:link href=\""u8, hub.AbsoluteUri).Raw(" rel=\"hub\" />\n"u8);
        }

        if (channel.History is { } history)
        {
            HistoryLinks(xml, "    <atom:link"u8, history, FeedFormat.Rss);
            if (history.IsArchive)
            {
                xml.Raw("    <fh:archive />\n"u8);
            }
        }

        // The newest change among the items written: the same items give the same date.
        var lastBuild = DateTimeOffset.MinValue;
        foreach (var entry in items)
        {
            if (limits.Includes(entry) && entry.Updated > lastBuild)
            {
                lastBuild = entry.Updated;
            }
        }

        if (lastBuild != DateTimeOffset.MinValue)
        {
            xml.Element("    <lastBuildDate>"u8, FeedText.Rfc822(lastBuild), "</lastBuildDate>\n"u8);
        }

        xml.Raw("    <docs>https://www.rssboard.org/rss-specification</docs>\n"u8)
            .Element("    <generator>"u8, FeedText.Plain(channel.Generator), "</generator>\n"u8)
            .Element("    <ttl>"u8, channel.TtlMinutes.ToString(CultureInfo.InvariantCulture), "</ttl>\n"u8);
        if (channel.ImageUrl is { } image)
        {
            xml.Raw("    <image>\n"u8)
                .Element("      <url>"u8, image.AbsoluteUri, "</url>\n"u8)
                .Element("      <title>"u8, title, "</title>\n"u8)
                .Element("      <link>"u8, channel.HomePage.AbsoluteUri, "</link>\n"u8)
                .Raw("    </image>\n"u8);
        }

        foreach (var entry in items)
        {
            if (limits.Includes(entry))
            {
                WriteItem(xml, entry, limits.HasContent(entry), sizes);
            }
        }

        xml.Raw("  </channel>\n</rss>"u8);
    }

    private static void WriteItem(Utf8Xml xml, PreparedEntry entry, bool withContent, ItemSize[]? sizes)
    {
        var start = xml.Position;
        xml.Raw("    <item>\n"u8)
            .Element("      <title>"u8, entry.Title, "</title>\n"u8)
            .Element("      <link>"u8, entry.Link, "</link>\n"u8)
            .Element("      <guid isPermaLink=\"true\">"u8, entry.Id, "</guid>\n"u8);
        Span<char> date = stackalloc char[40];
        xml.Element("      <pubDate>"u8, FeedText.Rfc822(entry.Published, date), "</pubDate>\n"u8);

        // The plain summary first, for readers that show only description; the full body after.
        if (entry.Summary.Length > 0)
        {
            xml.Element("      <description>"u8, entry.Summary, "</description>\n"u8);
        }

        var content = 0;
        if (withContent)
        {
            var before = xml.Position;
            xml.Raw("      <content:encoded>"u8).CData(entry.ContentHtml).Raw("</content:encoded>\n"u8);
            content = xml.Position - before;
        }

        if (entry.Author is { } author)
        {
            xml.Element("      <dc:creator>"u8, author, "</dc:creator>\n"u8);
        }

        if (entry.Language is { } language)
        {
            xml.Element("      <dc:language>"u8, language, "</dc:language>\n"u8);
        }

        foreach (var category in entry.Sectors)
        {
            Category(xml, category);
        }

        Category(xml, entry.Section);
        foreach (var image in entry.Images)
        {
            MediaContent(xml, "      "u8, image);
        }

        xml.Raw("    </item>\n"u8);
        if (sizes is not null)
        {
            sizes[entry.Rank] = new ItemSize(xml.Position - start, content);
        }
    }

    /// <summary>RFC 5005 links (<c>current</c>, <c>prev-archive</c>, <c>next-archive</c>) to the same format's files.</summary>
    internal static void HistoryLinks(Utf8Xml xml, ReadOnlySpan<byte> open, FeedHistory history, FeedFormat format)
    {
        var type = FeedFormats.MediaType(format);
        foreach (var (rel, folder) in new[] { ("current", history.Current), ("prev-archive", history.PreviousArchive), ("next-archive", history.NextArchive) })
        {
            if (folder is not null)
            {
                xml.Raw(open).Attribute(" href=\""u8, FeedHistory.In(folder, format).AbsoluteUri)
                    .Attribute(" rel=\""u8, rel)
                    .Attribute(" type=\""u8, type)
                    .Raw(" />\n"u8);
            }
        }
    }

    private static void Category(Utf8Xml xml, PreparedCategory category) =>
        xml.Attribute("      <category domain=\""u8, category.Scheme).Element(">"u8, category.Term, "</category>\n"u8);

    /// <summary>Media RSS <c>media:content</c>: what Feedly, Inoreader and NetNewsWire show as the item's picture.</summary>
    internal static void MediaContent(Utf8Xml xml, ReadOnlySpan<byte> indent, PreparedImage image)
    {
        Span<char> number = stackalloc char[11];
        xml.Raw(indent).Attribute("<media:content url=\""u8, image.Url).Raw(" medium=\"image\""u8);
        if (image.Width is { } width && width.TryFormat(number, out var written, default, CultureInfo.InvariantCulture))
        {
            xml.Attribute(" width=\""u8, number[..written]);
        }

        if (image.Height is { } height && height.TryFormat(number, out written, default, CultureInfo.InvariantCulture))
        {
            xml.Attribute(" height=\""u8, number[..written]);
        }

        if (image.Alt is null && image.Credit is null)
        {
            xml.Raw(" />\n"u8);
            return;
        }

        xml.Raw(">\n"u8);
        if (image.Alt is { } alt)
        {
            xml.Raw(indent).Element("  <media:description type=\"plain\">"u8, alt, "</media:description>\n"u8);
        }

        if (image.Credit is { } credit)
        {
            xml.Raw(indent).Element("  <media:credit>"u8, credit, "</media:credit>\n"u8);
        }

        xml.Raw(indent).Raw("</media:content>\n"u8);
    }
}
