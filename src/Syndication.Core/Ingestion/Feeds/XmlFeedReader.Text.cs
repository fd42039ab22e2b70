using System.Buffers;
using System.Xml;

namespace Syndication.Core.Ingestion.Feeds;

/// <summary>How <see cref="XmlFeedReader"/> turns element text into strings: one buffer per feed, one string per field.</summary>
internal static partial class XmlFeedReader
{
    /// <summary>
    /// Adds the names this reader compares with to the reader's name table before it reads any, so
    /// that the names it returns are these very strings and compare equal by reference.
    /// </summary>
    private static void Atomize(XmlNameTable names)
    {
        foreach (var name in (ReadOnlySpan<string>)[
            AtomNs, Atom03Ns, RdfNs, Rss10Ns, Rss090Ns, ContentNs, DcNs, DcTermsNs, MediaNs, MediaNsNoSlash,
            "rss", "RDF", "feed", "channel", "item", "entry", "title", "link", "language", "pubDate", "lastBuildDate",
            "date", "ttl", "skipHours", "skipDays", "hour", "day", "guid", "description", "encoded", "published",
            "issued", "created", "updated", "modified", "author", "creator", "category", "subject", "enclosure", "id",
            "name", "summary", "content", "group", "keywords", "thumbnail", "credit"])
        {
            names.Add(name);
        }
    }

    /// <summary>
    /// Reads element text into one buffer kept for the whole feed (through
    /// <see cref="XmlReader.ReadValueChunk"/>, so no string per text node), repairs and trims it
    /// there, and makes one string of the result.
    /// </summary>
    private sealed class Context(XmlReader reader, ZoneAbbreviations zones, bool isUtf8) : IDisposable
    {
        private char[] _text = ArrayPool<char>.Shared.Rent(4096);
        private char[]? _repaired;

        public XmlReader Reader { get; } = reader;

        /// <summary>The current element's text as a date; moves past its end.</summary>
        public DateTimeOffset? Date() => FeedDates.Parse(Read(markup: false), zones);

        /// <summary>The text of the current element (text and CDATA, with the text of any child elements); moves past its end.</summary>
        public string Text() => new(Read(markup: false));

        /// <summary><see cref="Text"/> trimmed, or null when nothing is left.</summary>
        public string? TrimmedText() => NullIfEmpty(Read(markup: false).Trim());

        /// <summary><see cref="TrimmedText"/> without the repair of double-encoded UTF-8.</summary>
        public string? TrimmedRawText()
        {
            var length = ReadText();
            return NullIfEmpty(_text.AsSpan(0, length).Trim());
        }

        /// <summary>
        /// The content of the current element as HTML, trimmed, or null when nothing is left: text
        /// and CDATA as they are (escaped HTML is HTML), and child elements, which some feeds put in
        /// unescaped, serialised back as markup.
        /// </summary>
        public string? TrimmedMarkup() => NullIfEmpty(Read(markup: true).Trim());

        /// <summary>The content of the current element as HTML (see <see cref="TrimmedMarkup"/>), untrimmed.</summary>
        public string Markup() => new(Read(markup: true));

        /// <summary>
        /// The text as plain text, trimmed: most captions have no markup or entities, and those
        /// skip the HTML-to-text pass.
        /// </summary>
        public string PlainText()
        {
            var text = Read(markup: false);
            return text.IndexOfAny("<&\r\n\t") < 0 ? new string(text.Trim()) : HtmlText.ToPlainText(new string(text));
        }

        /// <summary>Double-encoded UTF-8 can only be told apart, and undone, in a document that is UTF-8.</summary>
        public string Repair(string text) => isUtf8 ? Mojibake.Repair(text) : text;

        public void Dispose()
        {
            ArrayPool<char>.Shared.Return(_text);
            if (_repaired is not null)
            {
                ArrayPool<char>.Shared.Return(_repaired);
            }
        }

        private static string? NullIfEmpty(ReadOnlySpan<char> text) => text.IsEmpty ? null : new string(text);

        private ReadOnlySpan<char> Read(bool markup)
        {
            // The read may move the text to a larger buffer: the length first, then the buffer.
            var length = markup ? ReadMarkup() : ReadText();
            var text = _text.AsSpan(0, length);
            return isUtf8 && Mojibake.TryRepair(text, ref _repaired, out var repaired) ? _repaired.AsSpan(0, repaired) : text;
        }

        private int ReadText()
        {
            var r = Reader;
            if (r.IsEmptyElement)
            {
                r.Read();
                return 0;
            }

            var depth = r.Depth;
            var length = 0;
            r.Read();
            while (r.Depth > depth)
            {
                if (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
                {
                    length = AppendValue(length);
                }

                r.Read();
            }

            r.Read();
            return length;
        }

        private int ReadMarkup()
        {
            var r = Reader;
            if (r.IsEmptyElement)
            {
                r.Read();
                return 0;
            }

            var depth = r.Depth;
            var length = 0;
            r.Read();
            while (r.Depth > depth)
            {
                if (r.NodeType == XmlNodeType.Element)
                {
                    var element = r.ReadOuterXml();
                    Reserve(length, element.Length);
                    element.CopyTo(_text.AsSpan(length));
                    length += element.Length;
                    continue;
                }

                if (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
                {
                    length = AppendValue(length);
                }

                r.Read();
            }

            r.Read();
            return length;
        }

        /// <summary>The current node's value after the first <paramref name="length"/> characters of the buffer; gives the new length.</summary>
        private int AppendValue(int length)
        {
            while (true)
            {
                Reserve(length, 1024);
                var read = Reader.ReadValueChunk(_text, length, _text.Length - length);
                if (read == 0)
                {
                    return length;
                }

                length += read;
            }
        }

        private void Reserve(int length, int more)
        {
            if (_text.Length - length >= more)
            {
                return;
            }

            var larger = ArrayPool<char>.Shared.Rent(Math.Max(_text.Length * 2, length + more));
            _text.AsSpan(0, length).CopyTo(larger);
            ArrayPool<char>.Shared.Return(_text);
            _text = larger;
        }
    }
}
