using System.Xml;

namespace Syndication.Core.Feeds;

/// <summary>
/// Writes Atom 1.0 (RFC 4287). Same items, order and size cap as the RSS feed; dates are RFC 3339.
/// </summary>
public static class AtomWriter
{
    public const string ContentType = "application/atom+xml; charset=utf-8";

    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";

    /// <summary>The channel's Atom feed under the size cap of <paramref name="options"/>.</summary>
    public static byte[] Write(FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options = null) =>
        FeedWriter.Write(FeedFormat.Atom, channel, entries, options).Content.ToArray();

    internal static void WriteBody(Stream stream, FeedChannel channel, IReadOnlyList<PreparedEntry> items, Limits limits)
    {
        using var xml = XmlWriter.Create(stream, RssWriter.Settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("feed", RssWriter.AtomNamespace);
        xml.WriteAttributeString("xml", "lang", XmlNamespace, channel.Language);
        xml.WriteAttributeString("xmlns", "media", null, RssWriter.MediaNamespace);
        var self = channel.UrlOf(FeedFormat.Atom);

        // The feed's id is its own URL: Atom wants an IRI that never changes for the feed, and a
        // reader subscribed to this URL already identifies the feed by it.
        xml.WriteElementString("id", self.AbsoluteUri);
        var title = FeedText.Plain(channel.Title);
        WriteText(xml, "title", title);
        if (FeedText.Plain(channel.Description) is { Length: > 0 } subtitle)
        {
            WriteText(xml, "subtitle", subtitle);
        }

        // Atom requires updated. The newest change among the entries written, never the clock;
        // an empty feed gets the Unix epoch, which is as deterministic and obviously "nothing yet".
        var updated = items.Where(limits.Includes).Select(e => e.Updated).DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max();
        xml.WriteElementString("updated", FeedText.Rfc3339(updated));
        WriteLink(xml, "alternate", channel.HomePage.AbsoluteUri, "text/html");
        WriteLink(xml, "self", self.AbsoluteUri, FeedFormats.MediaType(FeedFormat.Atom));
        if (channel.HubUrl is { } hub)
        {
            WriteLink(xml, "hub", hub.AbsoluteUri, type: null);
        }

        // Atom requires an author for every entry; entries without a byline inherit this one.
        xml.WriteStartElement("author");
        xml.WriteElementString("name", FeedText.Plain(channel.Publisher ?? channel.Title));
        xml.WriteElementString("uri", channel.HomePage.AbsoluteUri);
        xml.WriteEndElement();
        xml.WriteElementString("generator", FeedText.Plain(channel.Generator));
        if (channel.ImageUrl is { } image)
        {
            xml.WriteElementString("logo", image.AbsoluteUri);
        }

        foreach (var entry in items)
        {
            if (limits.Includes(entry))
            {
                WriteEntry(xml, entry, limits.HasContent(entry));
            }
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteEntry(XmlWriter xml, PreparedEntry entry, bool withContent)
    {
        xml.WriteStartElement("entry");
        if (entry.Language is { } language)
        {
            xml.WriteAttributeString("xml", "lang", XmlNamespace, language);
        }

        // The permanent URL, not a tag: URI. It is captured at first publication and never
        // changes (the slug is fixed then), it is the RSS guid too, so a reader that sees both
        // formats dedupes them, and unlike a tag: URI it needs no "date the domain was owned".
        xml.WriteElementString("id", entry.Id);
        WriteText(xml, "title", entry.Title);
        WriteLink(xml, "alternate", entry.Link, "text/html");
        xml.WriteElementString("published", FeedText.Rfc3339(entry.Published));
        xml.WriteElementString("updated", FeedText.Rfc3339(entry.Updated));
        if (entry.Author is { } author)
        {
            xml.WriteStartElement("author");
            xml.WriteElementString("name", author);
            xml.WriteEndElement();
        }

        foreach (var category in entry.Sectors)
        {
            WriteCategory(xml, category);
        }

        WriteCategory(xml, entry.Section);
        if (entry.Summary.Length > 0)
        {
            WriteText(xml, "summary", entry.Summary);
        }

        if (withContent)
        {
            xml.WriteStartElement("content");
            xml.WriteAttributeString("type", "html");
            FeedHtml.WriteCData(xml, entry.ContentHtml!);
            xml.WriteEndElement();
        }

        foreach (var image in entry.Images)
        {
            RssWriter.WriteMediaContent(xml, image);
        }

        xml.WriteEndElement();
    }

    private static void WriteText(XmlWriter xml, string name, string text)
    {
        xml.WriteStartElement(name);
        xml.WriteAttributeString("type", "text");
        xml.WriteString(text);
        xml.WriteEndElement();
    }

    private static void WriteLink(XmlWriter xml, string rel, string href, string? type)
    {
        xml.WriteStartElement("link");
        xml.WriteAttributeString("rel", rel);
        if (type is not null)
        {
            xml.WriteAttributeString("type", type);
        }

        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static void WriteCategory(XmlWriter xml, PreparedCategory category)
    {
        xml.WriteStartElement("category");
        xml.WriteAttributeString("term", category.Term);
        xml.WriteAttributeString("scheme", category.Scheme);
        xml.WriteAttributeString("label", category.Label);
        xml.WriteEndElement();
    }
}
