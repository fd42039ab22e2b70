using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using System.Xml;

namespace Syndication.Core.Ingestion.Feeds;

/// <summary>
/// Everything about an XML feed's bytes that must be settled before an <see cref="XmlReader"/> sees
/// them: which encoding they are in, whether a DTD may be skipped or must be refused, and the C0
/// control characters that real feeds paste into text and that XML 1.0 forbids.
/// </summary>
internal static class FeedBytes
{
    /// <summary>
    /// Feeds declare windows-125x and other legacy code pages; .NET ships them but resolves their
    /// names only once the provider is registered, which this field does on first use.
    /// </summary>
    private static readonly Encoding Windows1252 = RegisterCodePages();

    /// <summary>C0 controls other than tab, line feed and carriage return: never allowed in XML 1.0 text.</summary>
    private static readonly SearchValues<byte> ForbiddenControls = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0B, 0x0C, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F]);

    /// <summary>
    /// The bytes made ready for an <see cref="XmlReader"/>, with the settings they need, and whether
    /// the document is UTF-8 (where double-encoded text can be repaired, see <see cref="Mojibake"/>).
    /// </summary>
    public static (XmlReader Reader, bool IsUtf8) OpenXml(ReadOnlyMemory<byte> data)
    {
        var bytes = data.Span;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])
            || (bytes.Length >= 2 && (bytes[0] == 0 || bytes[1] == 0)))
        {
            // UTF-16 (and UTF-32) are rare in feeds; the reader decodes them itself from the BOM or "<\0?\0",
            // and any DTD at all is refused since the byte-level prolog scan below cannot read them.
            return (XmlReader.Create(AsStream(data), Settings(DtdProcessing.Prohibit)), false);
        }

        var hasBom = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
        var body = hasBom ? bytes[3..] : bytes;
        var declared = DeclaredEncoding(body);
        Encoding? fallback = null;
        var isUtf8 = hasBom || declared is null || IsUtf8(declared);
        if (isUtf8 || declared is null)
        {
            if (!Utf8.IsValid(body))
            {
                if (hasBom || declared is not null)
                {
                    var offset = FirstInvalidUtf8(body);
                    var (line, column) = Position(body, offset);
                    throw new RejectedInputException(
                        $"The feed declares UTF-8{(hasBom ? " (by its byte order mark)" : "")} but byte {offset + (hasBom ? 3 : 0)} (0x{body[offset]:X2}) is not valid UTF-8; it was saved in another encoding than it says.",
                        line,
                        column);
                }

                // No declaration and not UTF-8, which XML would require: almost always a Western
                // legacy encoding (the corpus's UOL feed is Latin-1). Windows-1252 is a superset of
                // Latin-1 for text and is what browsers and feedparser fall back to as well.
                fallback = Windows1252;
            }
        }
        else
        {
            try
            {
                // Reading the field registers the code pages before the name is looked up.
                _ = Windows1252.CodePage;
                _ = Encoding.GetEncoding(declared);
            }
            catch (ArgumentException ex)
            {
                throw new RejectedInputException($"The feed declares the encoding '{declared}', which is not one this reader knows.", 1, 1, ex);
            }
        }

        var dtd = ScanDoctype(body, hasBom ? 3 : 0);
        var clean = WithoutControls(data);
        var settings = Settings(dtd);
        return fallback is null
            ? (XmlReader.Create(AsStream(clean), settings), isUtf8)
            : (XmlReader.Create(new StreamReader(AsStream(clean), fallback, detectEncodingFromByteOrderMarks: false), settings), false);
    }

    private static Encoding RegisterCodePages()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    private static XmlReaderSettings Settings(DtdProcessing dtd) => new()
    {
        // Ignore is used only when the prolog holds a DOCTYPE with nothing but an external id
        // (the Netscape RSS 0.91 DTD): it is neither fetched nor parsed, and no entity it might
        // declare exists. Everything else that could declare an entity is refused.
        DtdProcessing = dtd,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,

        // Character references to control characters (&#x1;) occur in real feeds; read them rather than lose the feed.
        CheckCharacters = false,
        CloseInput = true,
    };

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    /// <summary>
    /// Control characters become spaces, byte for byte, so that line and column in later errors
    /// still point into the file as received. Copies only when there is one.
    /// </summary>
    private static ReadOnlyMemory<byte> WithoutControls(ReadOnlyMemory<byte> data)
    {
        var first = data.Span.IndexOfAny(ForbiddenControls);
        if (first < 0)
        {
            return data;
        }

        var copy = data.ToArray();
        var span = copy.AsSpan(first);
        int next;
        while ((next = span.IndexOfAny(ForbiddenControls)) >= 0)
        {
            span[next] = (byte)' ';
            span = span[(next + 1)..];
        }

        return copy;
    }

    private static bool IsUtf8(string name) =>
        name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>encoding</c> pseudo-attribute of an XML declaration at the very start, if any.</summary>
    internal static string? DeclaredEncoding(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.StartsWith("<?xml"u8))
        {
            return null;
        }

        var end = bytes.IndexOf("?>"u8);
        if (end < 0)
        {
            return null;
        }

        var declaration = bytes[..end];
        var at = declaration.IndexOf("encoding"u8);
        if (at < 0)
        {
            return null;
        }

        var rest = declaration[(at + "encoding".Length)..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] != '=')
        {
            return null;
        }

        rest = rest[1..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] is not ((byte)'"' or (byte)'\''))
        {
            return null;
        }

        var close = rest[1..].IndexOf(rest[0]);
        return close <= 0 ? null : Encoding.ASCII.GetString(rest.Slice(1, close)).Trim();
    }

    /// <summary>
    /// Looks through the prolog (declaration, comments, processing instructions) for a DOCTYPE.
    /// One with an internal subset (<c>[ ... ]</c>) is where entity declarations live, the means of
    /// both external-entity reads (XXE) and exponential expansion (billion laughs): it is refused
    /// here, before any parser sees it.
    /// </summary>
    private static DtdProcessing ScanDoctype(ReadOnlySpan<byte> bytes, int bomLength)
    {
        var i = 0;
        while (true)
        {
            while (i < bytes.Length && bytes[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                i++;
            }

            var rest = bytes[i..];
            if (rest.StartsWith("<?"u8))
            {
                var end = rest.IndexOf("?>"u8);
                if (end < 0)
                {
                    return DtdProcessing.Prohibit;
                }

                i += end + 2;
            }
            else if (rest.StartsWith("<!--"u8))
            {
                var end = rest.IndexOf("-->"u8);
                if (end < 0)
                {
                    return DtdProcessing.Prohibit;
                }

                i += end + 3;
            }
            else if (rest.StartsWith("<!DOCTYPE"u8))
            {
                byte quote = 0;
                for (var j = 9; j < rest.Length; j++)
                {
                    var b = rest[j];
                    if (quote != 0)
                    {
                        if (b == quote)
                        {
                            quote = 0;
                        }
                    }
                    else if (b is (byte)'"' or (byte)'\'')
                    {
                        quote = b;
                    }
                    else if (b == '[')
                    {
                        var (line, column) = Position(bytes, i);
                        throw new RejectedInputException(
                            "The feed carries a DTD with an internal subset (<!DOCTYPE ... [ ... ]>). DTDs can declare entities that read local files or expand without limit, so they are refused unread.",
                            line,
                            column + (line == 1 ? bomLength : 0));
                    }
                    else if (b == '>')
                    {
                        return DtdProcessing.Ignore;
                    }
                }

                return DtdProcessing.Prohibit;
            }
            else
            {
                // The root element (or something malformed the parser will name): no DOCTYPE after it is legal.
                return DtdProcessing.Prohibit;
            }
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return 0;
    }

    /// <summary>1-based line and column of a byte offset, for rejection messages.</summary>
    private static (long Line, long Column) Position(ReadOnlySpan<byte> bytes, int offset)
    {
        var before = bytes[..offset];
        var line = before.Count((byte)'\n') + 1;
        var lastNewline = before.LastIndexOf((byte)'\n');
        return (line, offset - lastNewline);
    }
}
