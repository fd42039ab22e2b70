using System.Globalization;
using System.Text;
using System.Xml;

namespace Syndication.Core.Feeds;

/// <summary>
/// Writes RSS 2.0 with the extensions readers expect (<c>atom:link rel="self"</c>, <c>dc:creator</c>).
/// The output depends only on the channel and the entries, never on the clock, so building twice
/// from the same articles gives the same bytes and the stored blob keeps its ETag.
/// </summary>
public static class RssWriter
{
    public const string ContentType = "application/rss+xml; charset=utf-8";
    private const string AtomNamespace = "http://www.w3.org/2005/Atom";
    private const string DublinCoreNamespace = "http://purl.org/dc/elements/1.1/";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        CheckCharacters = false,
    };

    public static byte[] Write(FeedChannel channel, IReadOnlyList<FeedEntry> entries, string siteName)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(entries);
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, Settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("rss");
            xml.WriteAttributeString("version", "2.0");
            xml.WriteAttributeString("xmlns", "atom", null, AtomNamespace);
            xml.WriteAttributeString("xmlns", "dc", null, DublinCoreNamespace);
            xml.WriteStartElement("channel");
            xml.WriteElementString("title", XmlText.Clean(channel.Title));
            xml.WriteElementString("link", channel.Link.AbsoluteUri);
            xml.WriteElementString("description", XmlText.Clean(channel.Description));
            xml.WriteElementString("language", channel.Language);
            xml.WriteStartElement("atom", "link", AtomNamespace);
            xml.WriteAttributeString("href", channel.SelfUrl.AbsoluteUri);
            xml.WriteAttributeString("rel", "self");
            xml.WriteAttributeString("type", "application/rss+xml");
            xml.WriteEndElement();
            if (entries.Count > 0)
            {
                xml.WriteElementString("lastBuildDate", Rfc822(entries.Max(e => e.Updated)));
            }

            xml.WriteElementString("generator", siteName + " (Syndication)");
            xml.WriteElementString("ttl", channel.TtlMinutes.ToString(CultureInfo.InvariantCulture));

            foreach (var entry in entries)
            {
                xml.WriteStartElement("item");
                xml.WriteElementString("title", XmlText.Clean(entry.Headline));
                xml.WriteElementString("link", entry.Url.AbsoluteUri);
                xml.WriteStartElement("guid");
                xml.WriteAttributeString("isPermaLink", "true");
                xml.WriteString(entry.Url.AbsoluteUri);
                xml.WriteEndElement();
                xml.WriteElementString("pubDate", Rfc822(entry.Created));
                if (entry.Summary is { Length: > 0 } summary)
                {
                    xml.WriteElementString("description", XmlText.Clean(summary));
                }

                if (entry.Byline is { Length: > 0 } byline)
                {
                    xml.WriteElementString("dc", "creator", DublinCoreNamespace, XmlText.Clean(byline));
                }

                foreach (var sector in entry.Sectors)
                {
                    xml.WriteElementString("category", sector);
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return stream.ToArray();
    }

    /// <summary>RFC 822 date as RSS wants it, in GMT with the weekday that matches.</summary>
    public static string Rfc822(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
}

/// <summary>Text safe to put in XML: characters XML 1.0 forbids are dropped.</summary>
public static class XmlText
{
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.All(XmlConvert.IsXmlChar))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                builder.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                builder.Append(text[i]).Append(text[i + 1]);
                i++;
            }
        }

        return builder.ToString();
    }
}
