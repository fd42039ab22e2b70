namespace Syndication.Core.Trending;

/// <summary>Any flat JSON object of plain strings, read without a JSON reader; a line it cannot decide is left to the reader.</summary>
internal static partial class PageViewLineParser
{
    /// <summary>
    /// The fast path. It returns <see cref="ScanOutcome.Malformed"/> only where the JSON grammar
    /// itself rules the line out, so the slow reader (and its exceptions) runs only on rare lines.
    /// </summary>
    internal static ScanOutcome Scan(ReadOnlySpan<byte> line, ref PageViewFields fields)
    {
        var i = SkipWhitespace(line, 0);
        if (i == line.Length || line[i] != (byte)'{')
        {
            return ScanOutcome.Malformed; // not an object: no page view whatever follows
        }

        // Controls, DEL and non-ASCII (which the reader must validate as UTF-8) go the slow way.
        if (line.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
        {
            return ScanOutcome.Unsure;
        }

        i = SkipWhitespace(line, i + 1);
        if (i < line.Length && line[i] == (byte)'}')
        {
            return AfterObject(line, i + 1);
        }

        while (true)
        {
            if (i == line.Length || line[i] != (byte)'"')
            {
                return ScanOutcome.Malformed; // a property name must be a string
            }

            var keyOutcome = ScanString(line, i + 1, out var key, out i);
            if (keyOutcome != ScanOutcome.Parsed)
            {
                return keyOutcome;
            }

            i = SkipWhitespace(line, i);
            if (i == line.Length || line[i] != (byte)':')
            {
                return ScanOutcome.Malformed;
            }

            i = SkipWhitespace(line, i + 1);
            if (i == line.Length)
            {
                return ScanOutcome.Malformed;
            }

            if (line[i] != (byte)'"')
            {
                return ScanOutcome.Unsure; // numbers, literals, nested values: the reader validates and skips them
            }

            var valueOutcome = ScanString(line, i + 1, out var value, out i);
            if (valueOutcome != ScanOutcome.Parsed)
            {
                return valueOutcome;
            }

            Assign(ref fields, Identify(key), value);
            i = SkipWhitespace(line, i);
            if (i == line.Length)
            {
                return ScanOutcome.Malformed; // truncated
            }

            if (line[i] == (byte)'}')
            {
                return AfterObject(line, i + 1);
            }

            if (line[i] != (byte)',')
            {
                return ScanOutcome.Malformed;
            }

            i = SkipWhitespace(line, i + 1);
        }
    }
}
