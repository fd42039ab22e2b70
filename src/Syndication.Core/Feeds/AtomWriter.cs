namespace Syndication.Core.Feeds;

/// <summary>
/// Writes Atom 1.0 (RFC 4287). Same items, order and size cap as the RSS feed; dates are RFC 3339.
/// </summary>
public static class AtomWriter
{
    public const string ContentType = "application/atom+xml; charset=utf-8";

    /// <summary>The channel's Atom feed under the size cap of <paramref name="options"/>.</summary>
    public static byte[] Write(FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options = null) =>
        FeedWriter.WriteBytes(FeedFormat.Atom, channel, entries, options);

    internal static void WriteBody(PooledBuffer buffer, FeedChannel channel, IReadOnlyList<PreparedEntry> items, Limits limits, ItemSize[]? sizes)
    {
        var xml = new Utf8Xml(buffer);
        xml.Raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed"u8)
            .Attribute(" xmlns=\""u8, RssWriter.AtomNamespace)
            .Attribute(" xmlns:media=\""u8, RssWriter.MediaNamespace);
        if (channel.History is { IsArchive: true })
        {
            xml.Attribute(" xmlns:fh=\""u8, FeedHistory.Namespace);
        }

        xml.Attribute(" xml:lang=\""u8, XmlText.Clean(channel.Language))
            .Raw(">\n"u8);
        var self = channel.UrlOf(FeedFormat.Atom).AbsoluteUri;

        // The feed's id is its own URL: Atom wants an IRI that never changes for the feed, and a
        // reader subscribed to this URL already identifies the feed by it. An archive document is
        // a part of the same feed (RFC 5005), so it carries the current feed's id.
        var id = channel.History is { IsArchive: true, Current: { } current } ? FeedHistory.In(current, FeedFormat.Atom).AbsoluteUri : self;
        xml.Element("  <id>"u8, id, "</id>\n"u8)
            .Element("  <title type=\"text\">"u8, FeedText.Plain(channel.Title), "</title>\n"u8);
        if (FeedText.Plain(channel.Description) is { Length: > 0 } subtitle)
        {
            xml.Element("  <subtitle type=\"text\">"u8, subtitle, "</subtitle>\n"u8);
        }

        // Atom requires updated. The newest change among the entries written, never the clock;
        // an empty feed gets the Unix epoch, which is as deterministic and plainly "nothing yet".
        var updated = DateTimeOffset.UnixEpoch;
        foreach (var entry in items)
        {
            if (limits.Includes(entry) && entry.Updated > updated)
            {
                updated = entry.Updated;
            }
        }

        xml.Element("  <updated>"u8, FeedText.Rfc3339(updated), "</updated>\n"u8)
            .Attribute("  <link rel=\"alternate\" type=\"text/html\" href=\""u8, channel.HomePage.AbsoluteUri).Raw(" />\n"u8)
            .Attribute("  <link rel=\"self\" type=\"application/atom+xml\" href=\""u8, self).Raw(" />\n"u8);
        if (channel.HubUrl is { } hub)
        {
            xml.Attribute("  <link rel=\"hub\" href=\""u8, hub.AbsoluteUri).Raw(" />\n"u8);
        }

        if (channel.History is { } history)
        {
            RssWriter.HistoryLinks(xml, "  <link"u8, history, FeedFormat.Atom);
            if (history.IsArchive)
            {
                xml.Raw("  <fh:archive />\n"u8);
            }
        }

        // Atom requires an author for every entry; entries without a byline inherit this one.
        xml.Raw("  <author>\n"u8)
            .Element("    <name>"u8, FeedText.Plain(channel.Publisher ?? channel.Title), "</name>\n"u8)
            .Element("    <uri>"u8, channel.HomePage.AbsoluteUri, "</uri>\n"u8)
            .Raw("  </author>\n"u8)
            .Element("  <generator>"u8, FeedText.Plain(channel.Generator), "</generator>\n"u8);
        if (channel.ImageUrl is { } image)
        {
            xml.Element("  <logo>"u8, image.AbsoluteUri, "</logo>\n"u8);
        }

        foreach (var entry in items)
        {
            if (limits.Includes(entry))
            {
                WriteEntry(xml, entry, limits.HasContent(entry), sizes);
            }
        }

        xml.Raw("</feed>"u8);
    }

    private static void WriteEntry(Utf8Xml xml, PreparedEntry entry, bool withContent, ItemSize[]? sizes)
    {
        var start = xml.Position;
        xml.Raw("  <entry"u8);
        if (entry.Language is { } language)
        {
            xml.Attribute(" xml:lang=\""u8, language);
        }

        // The permanent URL, not a tag: URI. It is captured at first publication and never
        // changes (the slug is fixed then), it is the RSS guid too, so a reader that sees both
        // formats dedupes them, and unlike a tag: URI it needs no "date the domain was owned".
        Span<char> date = stackalloc char[24];
        xml.Raw(">\n"u8)
            .Element("    <id>"u8, entry.Id, "</id>\n"u8)
            .Element("    <title type=\"text\">"u8, entry.Title, "</title>\n"u8)
            .Attribute("    <link rel=\"alternate\" type=\"text/html\" href=\""u8, entry.Link).Raw(" />\n"u8)
            .Element("    <published>"u8, FeedText.Rfc3339(entry.Published, date), "</published>\n"u8)
            .Element("    <updated>"u8, FeedText.Rfc3339(entry.Updated, date), "</updated>\n"u8);
        if (entry.Author is { } author)
        {
            xml.Raw("    <author>\n"u8).Element("      <name>"u8, author, "</name>\n"u8).Raw("    </author>\n"u8);
        }

        foreach (var category in entry.Sectors)
        {
            Category(xml, category);
        }

        Category(xml, entry.Section);
        if (entry.Summary.Length > 0)
        {
            xml.Element("    <summary type=\"text\">"u8, entry.Summary, "</summary>\n"u8);
        }

        var content = 0;
        if (withContent)
        {
            var before = xml.Position;
            xml.Raw("    <content type=\"html\">"u8).CData(entry.ContentHtml).Raw("</content>\n"u8);
            content = xml.Position - before;
        }

        foreach (var image in entry.Images)
        {
            RssWriter.MediaContent(xml, "    "u8, image);
        }

        xml.Raw("  </entry>\n"u8);
        if (sizes is not null)
        {
            sizes[entry.Rank] = new ItemSize(xml.Position - start, content);
        }
    }

    private static void Category(Utf8Xml xml, PreparedCategory category) =>
        xml.Attribute("    <category term=\""u8, category.Term)
            .Attribute(" scheme=\""u8, category.Scheme)
            .Attribute(" label=\""u8, category.Label)
            .Raw(" />\n"u8);
}
