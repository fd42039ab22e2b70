// Long on purpose: one forward pass reads every XML feed family (RSS 0.9x/2.0, RDF, Atom 0.3/1.0)
// and their extension namespaces; split by format, three readers would repeat the element loop and
// the item builder they share.
using System.Text;
using System.Xml;

namespace Syndication.Core.Ingestion.Feeds;

/// <summary>
/// RSS 0.9x/2.0, RSS 0.90/1.0 (RDF) and Atom read in one forward pass of an <see cref="XmlReader"/>:
/// no document tree is built, unknown elements are skipped unread.
/// </summary>
internal static partial class XmlFeedReader
{
    private const string AtomNs = "http://www.w3.org/2005/Atom";
    private const string Atom03Ns = "http://purl.org/atom/ns#";
    private const string RdfNs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private const string Rss10Ns = "http://purl.org/rss/1.0/";
    private const string Rss090Ns = "http://my.netscape.com/rdf/simple/0.9/";
    private const string ContentNs = "http://purl.org/rss/1.0/modules/content/";
    private const string DcNs = "http://purl.org/dc/elements/1.1/";
    private const string DcTermsNs = "http://purl.org/dc/terms/";
    private const string MediaNs = "http://search.yahoo.com/mrss/";

    // Some publishers declare Media RSS without its trailing slash.
    private const string MediaNsNoSlash = "http://search.yahoo.com/mrss";
    private const string XhtmlNs = "http://www.w3.org/1999/xhtml";

    public static ParsedFeed Read(ReadOnlyMemory<byte> data, ZoneAbbreviations zones)
    {
        try
        {
            var (reader, isUtf8) = FeedBytes.OpenXml(data);
            using var _ = reader;
            Atomize(reader.NameTable);
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element)
            {
                throw new RejectedInputException("The feed has no root element.");
            }

            using var context = new Context(reader, zones, isUtf8);
            return (reader.LocalName, reader.NamespaceURI) switch
            {
                ("rss", _) => ReadRss(context),
                ("RDF", RdfNs) => ReadRss(context),
                ("feed", AtomNs or Atom03Ns) => ReadAtom(context),
                var (name, ns) => throw new RejectedInputException(
                    $"The document is XML but not a feed: its root element is <{name}>{(ns.Length > 0 ? $" in namespace '{ns}'" : "")}, not <rss>, <rdf:RDF> or an Atom <feed>.",
                    (reader as IXmlLineInfo)?.LineNumber,
                    (reader as IXmlLineInfo)?.LinePosition),
            };
        }
        catch (XmlException ex)
        {
            throw Malformed(ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new RejectedInputException($"The feed's bytes do not fit its declared encoding: {ex.Message}", inner: ex);
        }
    }

    private static RejectedInputException Malformed(XmlException ex)
    {
        var message = ex.Message;
        var position = message.LastIndexOf(" Line ", StringComparison.Ordinal);
        if (position > 0)
        {
            message = message[..position];
        }

        return message.Contains("DTD", StringComparison.Ordinal)
            ? new RejectedInputException($"The feed carries a DTD, which is refused unread: {message}", ex.LineNumber, ex.LinePosition, ex)
            : new RejectedInputException($"The feed is not well-formed XML: {message}", ex.LineNumber, ex.LinePosition, ex);
    }

    private static ParsedFeed ReadRss(Context c)
    {
        var r = c.Reader;
        var isRdf = r.LocalName == "RDF";
        var version = isRdf ? null : r.GetAttribute("version")?.Trim();
        var channel = new ChannelBuilder();
        var entries = new List<ParsedEntry>();
        for (var rootDepth = Enter(r); NextChild(r, rootDepth);)
        {
            if (IsRss(r.NamespaceURI) && r.LocalName == "channel")
            {
                if (isRdf)
                {
                    version ??= r.NamespaceURI == Rss090Ns ? "0.90" : "1.0";
                }

                for (var channelDepth = Enter(r); NextChild(r, channelDepth);)
                {
                    if (IsRss(r.NamespaceURI) && r.LocalName == "item")
                    {
                        entries.Add(ReadRssItem(c));
                    }
                    else
                    {
                        ReadChannelElement(c, channel);
                    }
                }
            }
            else if (IsRss(r.NamespaceURI) && r.LocalName == "item")
            {
                // RDF puts items beside the channel; some broken RSS does too.
                entries.Add(ReadRssItem(c));
            }
            else
            {
                r.Skip();
            }
        }

        return new ParsedFeed
        {
            Format = isRdf ? FeedFormat.Rdf : FeedFormat.Rss,
            Version = version,
            Title = channel.Title,
            Link = channel.Link,
            Language = channel.Language,
            Updated = channel.Updated ?? channel.Published,
            TtlMinutes = channel.TtlMinutes,
            SkipHours = channel.SkipHours,
            SkipDays = channel.SkipDays,
            Entries = entries,
        };
    }

    private static void ReadChannelElement(Context c, ChannelBuilder channel)
    {
        var r = c.Reader;
        switch (r.NamespaceURI, r.LocalName)
        {
            case (var ns, "title") when IsRss(ns):
                channel.Title = First(channel.Title, c.TrimmedText());
                break;
            case (var ns, "link") when IsRss(ns):
                channel.Link = First(channel.Link, c.TrimmedText());
                break;
            case (var ns, "language") when IsRss(ns):
            case (DcNs, "language"):
                channel.Language = First(channel.Language, c.TrimmedText());
                break;
            case (var ns, "pubDate") when IsRss(ns):
                channel.Published = First(channel.Published, c.Date());
                break;
            case (var ns, "lastBuildDate") when IsRss(ns):
            case (DcNs, "date"):
                channel.Updated = First(channel.Updated, c.Date());
                break;
            case (var ns, "ttl") when IsRss(ns):
                channel.TtlMinutes ??= Int(c.TrimmedText());
                break;
            case (var ns, "skipHours") when IsRss(ns):
                ReadSkipList(c, "hour", text => int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var hour) && hour <= 23 ? hour : null, channel.SkipHours);
                break;
            case (var ns, "skipDays") when IsRss(ns):
                ReadSkipList(c, "day", text => Enum.GetNames<DayOfWeek>().Contains(text, StringComparer.OrdinalIgnoreCase) ? Enum.Parse<DayOfWeek>(text, ignoreCase: true) : null, channel.SkipDays);
                break;
            default:
                r.Skip();
                break;
        }
    }

    /// <summary>RSS <c>skipHours</c>/<c>skipDays</c>: each child element named <paramref name="name"/> once (RSS allows 24 hours and 7 days).</summary>
    private static void ReadSkipList<T>(Context c, string name, Func<string, T?> parse, List<T> into)
        where T : struct
    {
        var r = c.Reader;
        for (var depth = Enter(r); NextChild(r, depth);)
        {
            if (!IsRss(r.NamespaceURI) || r.LocalName != name)
            {
                r.Skip();
            }
            else if (parse(c.TrimmedRawText() ?? "") is { } value && !into.Contains(value))
            {
                into.Add(value);
            }
        }
    }

    private static ParsedEntry ReadRssItem(Context c)
    {
        var r = c.Reader;
        var e = new EntryBuilder();
        if (r.GetAttribute("about", RdfNs) is { } about && about.Trim().Length > 0)
        {
            e.Id = about.Trim();
        }

        var guidIsPermaLink = false;
        for (var itemDepth = Enter(r); NextChild(r, itemDepth);)
        {
            switch (r.NamespaceURI, r.LocalName)
            {
                case (var ns, "title") when IsRss(ns):
                    e.Title = First(e.Title, c.Text());
                    break;
                case (var ns, "link") when IsRss(ns):
                    e.Link = First(e.Link, c.TrimmedText());
                    break;
                case (var ns, "guid") when IsRss(ns):
                    // RSS 2.0: a guid is a permalink unless it says isPermaLink="false".
                    guidIsPermaLink = !string.Equals(r.GetAttribute("isPermaLink")?.Trim(), "false", StringComparison.OrdinalIgnoreCase);
                    e.Id = c.TrimmedText() ?? e.Id;
                    break;
                case (var ns, "description") when IsRss(ns):
                    e.Summary = First(e.Summary, c.TrimmedMarkup());
                    break;
                case (ContentNs, "encoded"):
                    e.Content = First(e.Content, c.TrimmedMarkup());
                    break;
                case (var ns, "pubDate") when IsRss(ns):
                case (AtomNs, "published"):
                case (DcTermsNs, "issued"):
                case (DcTermsNs, "created"):
                    e.Published = First(e.Published, c.Date());
                    break;
                case (DcNs, "date"):
                case (AtomNs, "updated"):
                case (DcTermsNs, "modified"):
                    e.Updated = First(e.Updated, c.Date());
                    break;
                case (var ns, "author") when IsRss(ns):
                    e.AddAuthor(RssAuthorName(c.Text()));
                    break;
                case (DcNs, "creator"):
                    e.AddAuthor(c.TrimmedText());
                    break;
                case (var ns, "category") when IsRss(ns):
                case (DcNs, "subject"):
                    e.AddCategory(c.TrimmedText());
                    break;
                case (var ns, "enclosure") when IsRss(ns):
                    Enclosure(r, e);
                    break;
                case (var ns, _) when IsMedia(ns):
                    Media(c, e);
                    break;
                default:
                    r.Skip();
                    break;
            }
        }

        // As feedparser does: a permalink guid is the link when the item has none.
        if (e.Link is null && guidIsPermaLink && IsWebUrl(e.Id))
        {
            e.Link = e.Id;
        }

        return e.Build();
    }

    private static ParsedFeed ReadAtom(Context c)
    {
        var r = c.Reader;
        var is03 = r.NamespaceURI == Atom03Ns;
        var ns = r.NamespaceURI;
        var language = NullIfEmpty(r.XmlLang);
        var channel = new ChannelBuilder();
        var entries = new List<ParsedEntry>();
        for (var feedDepth = Enter(r); NextChild(r, feedDepth);)
        {
            if (r.NamespaceURI != ns)
            {
                r.Skip();
                continue;
            }

            switch (r.LocalName)
            {
                case "entry":
                    entries.Add(ReadAtomEntry(c, ns));
                    break;
                case "title":
                    channel.Title = First(channel.Title, NullIfEmpty(ReadTextConstruct(c, plain: true)));
                    break;
                case "link":
                    if (AlternateLink(r) is { } link)
                    {
                        channel.Link ??= link;
                    }

                    r.Skip();
                    break;
                case "updated" or "modified":
                    channel.Updated = First(channel.Updated, c.Date());
                    break;
                default:
                    r.Skip();
                    break;
            }
        }

        return new ParsedFeed
        {
            Format = FeedFormat.Atom,
            Version = is03 ? "0.3" : "1.0",
            Title = channel.Title,
            Link = channel.Link,
            Language = language,
            Updated = channel.Updated,
            Entries = entries,
        };
    }

    private static ParsedEntry ReadAtomEntry(Context c, string atomNs)
    {
        var r = c.Reader;
        var e = new EntryBuilder();
        for (var entryDepth = Enter(r); NextChild(r, entryDepth);)
        {
            if (IsMedia(r.NamespaceURI))
            {
                Media(c, e);
                continue;
            }

            if (r.NamespaceURI != atomNs)
            {
                r.Skip();
                continue;
            }

            switch (r.LocalName)
            {
                case "id":
                    e.Id = First(e.Id, c.TrimmedText());
                    break;
                case "title":
                    e.Title = First(e.Title, ReadTextConstruct(c, plain: true));
                    break;
                case "link":
                    AtomLink(r, e);
                    break;
                case "published" or "issued" or "created":
                    e.Published = First(e.Published, c.Date());
                    break;
                case "updated" or "modified":
                    e.Updated = First(e.Updated, c.Date());
                    break;
                case "author":
                    for (var authorDepth = Enter(r); NextChild(r, authorDepth);)
                    {
                        if (r.NamespaceURI == atomNs && r.LocalName == "name")
                        {
                            e.AddAuthor(c.TrimmedText());
                        }
                        else
                        {
                            r.Skip();
                        }
                    }

                    break;
                case "summary":
                    e.Summary = First(e.Summary, NullIfEmpty(ReadTextConstruct(c, plain: false).Trim()));
                    break;
                case "content":
                    // Content by reference (src) has nothing inline to publish.
                    if (r.GetAttribute("src") is not null)
                    {
                        r.Skip();
                    }
                    else
                    {
                        e.Content = First(e.Content, NullIfEmpty(ReadTextConstruct(c, plain: false).Trim()));
                    }

                    break;
                case "category":
                    e.AddCategory(c.Repair(r.GetAttribute("term") ?? r.GetAttribute("label") ?? ""));
                    r.Skip();
                    break;
                default:
                    r.Skip();
                    break;
            }
        }

        return e.Build();
    }

    private static void AtomLink(XmlReader r, EntryBuilder e)
    {
        var rel = r.GetAttribute("rel")?.Trim() ?? "alternate";
        var href = r.GetAttribute("href")?.Trim();
        if (!string.IsNullOrEmpty(href))
        {
            if (rel == "alternate")
            {
                e.Link ??= href;
            }
            else if (rel == "enclosure" && IsImageType(r.GetAttribute("type")))
            {
                e.AddImage(href, null, null, null, null, thumbnail: false);
            }
        }

        r.Skip();
    }

    private static string? AlternateLink(XmlReader r)
    {
        var rel = r.GetAttribute("rel")?.Trim() ?? "alternate";
        return rel == "alternate" ? NullIfEmpty(r.GetAttribute("href")?.Trim()) : null;
    }

    /// <summary>
    /// An Atom text construct: <c>type="text"</c> (the default) is plain text, <c>html</c> is
    /// escaped HTML, <c>xhtml</c> is a <c>div</c> of inline XHTML. Returns plain text or HTML as asked.
    /// </summary>
    private static string ReadTextConstruct(Context c, bool plain)
    {
        var r = c.Reader;
        var type = r.GetAttribute("type")?.Trim().ToLowerInvariant() ?? "text";
        switch (type)
        {
            case "html" or "text/html":
                // As HTML the text is trimmed by every caller: one string, trimmed as it is made.
                return plain ? HtmlText.ToPlainText(c.Text()) : c.TrimmedText() ?? "";
            case "xhtml" or "application/xhtml+xml":
                var markup = c.Markup().Replace(" xmlns=\"" + XhtmlNs + "\"", "", StringComparison.Ordinal).Trim();
                if (markup.StartsWith("<div", StringComparison.Ordinal) && markup.EndsWith("</div>", StringComparison.Ordinal))
                {
                    markup = markup[(markup.IndexOf('>', StringComparison.Ordinal) + 1)..^"</div>".Length];
                }

                return plain ? HtmlText.ToPlainText(markup) : markup;
            default:
                var text = c.Text();
                return plain ? text.Trim() : HtmlText.FromPlainText(text);
        }
    }

    private static void Enclosure(XmlReader r, EntryBuilder e)
    {
        if (IsImageType(r.GetAttribute("type")) && r.GetAttribute("url") is { } url)
        {
            e.AddImage(url, null, null, null, null, thumbnail: false);
        }

        r.Skip();
    }

    /// <summary>Media RSS: <c>media:content</c> and <c>media:thumbnail</c>, alone or in a <c>media:group</c>.</summary>
    private static void Media(Context c, EntryBuilder e)
    {
        var r = c.Reader;
        switch (r.LocalName)
        {
            case "group":
                for (var groupDepth = Enter(r); NextChild(r, groupDepth);)
                {
                    if (IsMedia(r.NamespaceURI))
                    {
                        Media(c, e);
                    }
                    else
                    {
                        r.Skip();
                    }
                }

                break;
            case "content":
                var url = r.GetAttribute("url");
                var medium = r.GetAttribute("medium");
                var type = r.GetAttribute("type");
                var isImage = string.Equals(medium, "image", StringComparison.OrdinalIgnoreCase)
                    || IsImageType(type)
                    || (medium is null && type is null && LooksLikeImageUrl(url));
                var width = Int(r.GetAttribute("width"));
                var height = Int(r.GetAttribute("height"));
                string? alt = null, credit = null;
                for (var mediaDepth = Enter(r); NextChild(r, mediaDepth);)
                {
                    if (IsMedia(r.NamespaceURI) && r.LocalName is "description" or "title")
                    {
                        // The description says what the picture shows; a title is the next best thing.
                        var isDescription = r.LocalName == "description";
                        var text = NullIfEmpty(c.PlainText());
                        alt = isDescription ? text ?? alt : alt ?? text;
                    }
                    else if (IsMedia(r.NamespaceURI) && r.LocalName == "credit")
                    {
                        credit = First(credit, c.TrimmedText());
                    }
                    else
                    {
                        r.Skip();
                    }
                }

                if (isImage && url is not null)
                {
                    e.AddImage(url, alt, width, height, credit, thumbnail: false);
                }

                break;
            case "keywords":
                // Comma-separated tags, which feedparser also counts among an entry's tags.
                foreach (var keyword in c.Text().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    e.AddCategory(keyword);
                }

                break;
            case "thumbnail":
                if (r.GetAttribute("url") is { } thumbnail)
                {
                    e.AddImage(thumbnail, null, Int(r.GetAttribute("width")), Int(r.GetAttribute("height")), null, thumbnail: true);
                }

                r.Skip();
                break;
            default:
                r.Skip();
                break;
        }
    }

    /// <summary>
    /// Steps into the current element for <see cref="NextChild"/>: its depth, or -1 when it is
    /// empty (and then already stepped over).
    /// </summary>
    private static int Enter(XmlReader r)
    {
        if (r.IsEmptyElement)
        {
            r.Read();
            return -1;
        }

        var depth = r.Depth;
        r.Read();
        return depth;
    }

    /// <summary>
    /// Moves to the next child element of the element entered at <paramref name="depth"/>, or past
    /// its end tag and returns false. The loop body must consume each child (read or skip it).
    /// A loop, not an iterator: it runs for every element of every feed.
    /// </summary>
    private static bool NextChild(XmlReader r, int depth)
    {
        if (depth < 0)
        {
            return false;
        }

        while (r.NodeType != XmlNodeType.Element)
        {
            if (r.NodeType == XmlNodeType.EndElement && r.Depth <= depth)
            {
                r.Read();
                return false;
            }

            if (!r.Read())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RSS 2.0 wants <c>email (Name)</c> in <c>author</c>; the name is the byline.</summary>
    private static string RssAuthorName(string author)
    {
        var text = author.Trim();
        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (open > 0 && text.EndsWith(')') && text[..open].Contains('@', StringComparison.Ordinal))
        {
            return text[(open + 1)..^1].Trim();
        }

        return text;
    }

    private static bool IsRss(string ns) => ns.Length == 0 || ns == Rss10Ns || ns == Rss090Ns;

    private static bool IsMedia(string ns) => ns == MediaNs || ns == MediaNsNoSlash;

    private static bool IsImageType(string? type) => type is not null && type.TrimStart().StartsWith("image/", StringComparison.OrdinalIgnoreCase);

    private static bool LooksLikeImageUrl(string? url)
    {
        if (url is null)
        {
            return false;
        }

        var path = url.AsSpan();
        var query = path.IndexOfAny('?', '#');
        if (query >= 0)
        {
            path = path[..query];
        }

        return path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)
            || path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".gif", StringComparison.OrdinalIgnoreCase)
            || path.EndsWith(".webp", StringComparison.OrdinalIgnoreCase);
    }

    internal static bool IsWebUrl(string? value) =>
        value is not null
        && (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        && Uri.TryCreate(value, UriKind.Absolute, out _);

    private static int? Int(string? value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // The first occurrence wins, but every occurrence is read: an element left unread would stall the pass.
    private static string? First(string? current, string? next) => current ?? next;

    private static DateTimeOffset? First(DateTimeOffset? current, DateTimeOffset? next) => current ?? next;

    private sealed class ChannelBuilder
    {
        public string? Title { get; set; }

        public string? Link { get; set; }

        public string? Language { get; set; }

        public DateTimeOffset? Published { get; set; }

        public DateTimeOffset? Updated { get; set; }

        public int? TtlMinutes { get; set; }

        public List<int> SkipHours { get; } = [];

        public List<DayOfWeek> SkipDays { get; } = [];
    }
}

