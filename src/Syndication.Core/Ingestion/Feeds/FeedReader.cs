namespace Syndication.Core.Ingestion.Feeds;

/// <summary>
/// Reads an upstream feed from its bytes: RSS 0.9x/2.0, RSS 0.90/1.0 (RDF), Atom 1.0 and JSON
/// Feed 1.0/1.1, told apart by content rather than by file name or media type, which upstreams
/// get wrong. Pure: no I/O, no clock.
/// </summary>
/// <remarks>
/// Safety: XML is read forward-only with no resolver; a DTD that could declare entities (XXE,
/// billion laughs) is refused before parsing. Encodings follow the BOM, then the XML declaration;
/// a feed that declares nothing and is not UTF-8 is read as windows-1252, and one whose bytes
/// contradict the UTF-8 it declares is refused.
/// </remarks>
public static class FeedReader
{
    /// <param name="bytes">The feed as fetched.</param>
    /// <param name="zones">How to read ambiguous zone names in dates; <see cref="ZoneAbbreviations.ForSource"/> gives a source's rules. India's IST by default.</param>
    /// <exception cref="RejectedInputException">Not a feed, not well-formed, a DTD, or bytes that contradict the declared encoding.</exception>
    public static ParsedFeed Read(ReadOnlyMemory<byte> bytes, ZoneAbbreviations? zones = null)
    {
        zones ??= ZoneAbbreviations.Default;
        var span = bytes.Span;
        var start = span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        while (start < span.Length && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        if (start == span.Length)
        {
            throw new RejectedInputException("The feed is empty.");
        }

        return span[start] == '{'
            ? JsonFeedReader.Read(bytes[start..], zones)
            : XmlFeedReader.Read(bytes, zones);
    }
}
