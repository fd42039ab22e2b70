using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace Syndication.Core.Trending;

/// <summary>The five fields of one page-view line, as UTF-8 slices of the line or of a scratch buffer.</summary>
internal ref struct PageViewFields
{
    public ReadOnlySpan<byte> Timestamp;
    public ReadOnlySpan<byte> Article;
    public ReadOnlySpan<byte> Edition;
    public ReadOnlySpan<byte> Session;
    public ReadOnlySpan<byte> Agent;
    public bool HasTimestamp;
    public bool HasArticle;
    public bool HasEdition;
    public bool HasSession;
    public bool HasAgent;

    public readonly bool IsComplete => HasTimestamp && HasArticle && HasEdition && HasSession && HasAgent;
}

internal enum ScanOutcome
{
    Parsed,
    Malformed,

    /// <summary>Valid JSON may be there but the fast scanner does not handle it (escapes, non-ASCII, numbers...).</summary>
    Unsure,
}

/// <summary>
/// Reads a page-view line. The fast scanner handles the shape our producer writes (one flat
/// object of ASCII strings without escapes) with vectorized searches and no allocation; any line
/// it cannot decide goes to <see cref="Utf8JsonReader"/>, so both accept exactly the same lines.
/// </summary>
internal static class PageViewLineParser
{
    private enum Field
    {
        None,
        Timestamp,
        Article,
        Edition,
        Session,
        Agent,
    }

    public static ScanOutcome Parse(ReadOnlySpan<byte> line, ref PageViewFields fields, ref byte[] scratch)
    {
        if (ScanProducer(line, ref fields) || ScanCompact(line, ref fields))
        {
            return ScanOutcome.Parsed;
        }

        fields = default;
        var outcome = Scan(line, ref fields);
        if (outcome != ScanOutcome.Unsure)
        {
            return outcome;
        }

        fields = default;
        return Read(line, ref fields, ref scratch);
    }

    /// <summary>
    /// The producer's exact line: <c>{"ts":"…","article":"…","edition":"…","session":"…","agent":"…"}</c>,
    /// those five keys in that order, printable ASCII without a backslash, 32 to 256 bytes. One
    /// vectorized pass checks the bytes and marks the quotes; each value then ends at the next
    /// quote, and what follows it must be the next key literally. Such a line is one that
    /// <see cref="ScanCompact"/> reads into the same five fields; anything else returns false
    /// without deciding anything and goes to it.
    /// </summary>
    internal static bool ScanProducer(ReadOnlySpan<byte> line, ref PageViewFields fields)
    {
        const int MaxLength = 256;
        if (!Vector256.IsHardwareAccelerated || line.Length < Vector256<byte>.Count || line.Length > MaxLength
            || line[^1] != (byte)'}' || !line.StartsWith("{\"ts\":\""u8))
        {
            return false;
        }

        // Bit i of quotes[i / 32] is set when line[i] is a quote.
        Span<uint> quotes = stackalloc uint[MaxLength / Vector256<byte>.Count];
        var quote = Vector256.Create((byte)'"');
        var backslash = Vector256.Create((byte)'\\');
        var low = Vector256.Create((byte)0x20);
        var span = Vector256.Create((byte)(0x7E - 0x20));
        for (int at = 0, block = 0; at < line.Length; at += Vector256<byte>.Count, block++)
        {
            var start = Math.Min(at, line.Length - Vector256<byte>.Count); // the last block overlaps the one before
            var bytes = Vector256.Create(line.Slice(start, Vector256<byte>.Count));
            if ((Vector256.GreaterThan(bytes - low, span) | Vector256.Equals(bytes, backslash)) != Vector256<byte>.Zero)
            {
                return false;
            }

            quotes[block] = Vector256.Equals(bytes, quote).ExtractMostSignificantBits() >> (at - start);
        }

        var close = NextQuote(quotes, 7);
        if (close < 0 || !line[close..].StartsWith("\",\"article\":\""u8))
        {
            return false;
        }

        var found = default(PageViewFields);
        found.Timestamp = line[7..close];
        var open = close + 13;
        close = NextQuote(quotes, open);
        if (close < 0 || !line[close..].StartsWith("\",\"edition\":\""u8))
        {
            return false;
        }

        found.Article = line[open..close];
        open = close + 13;
        close = NextQuote(quotes, open);
        if (close < 0 || !line[close..].StartsWith("\",\"session\":\""u8))
        {
            return false;
        }

        found.Edition = line[open..close];
        open = close + 13;
        close = NextQuote(quotes, open);
        if (close < 0 || !line[close..].StartsWith("\",\"agent\":\""u8))
        {
            return false;
        }

        found.Session = line[open..close];
        open = close + 11;
        close = NextQuote(quotes, open);
        if (close != line.Length - 2)
        {
            return false; // the agent's closing quote must be the one before the final brace
        }

        found.Agent = line[open..close];
        found.HasTimestamp = found.HasArticle = found.HasEdition = found.HasSession = found.HasAgent = true;
        fields = found;
        return true;
    }

    /// <summary>The first quote at or after <paramref name="from"/> in the bit masks, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextQuote(ReadOnlySpan<uint> quotes, int from)
    {
        var block = from / 32;
        if (block >= quotes.Length)
        {
            return -1;
        }

        var mask = quotes[block] >> (from % 32);
        if (mask != 0)
        {
            return from + BitOperations.TrailingZeroCount(mask);
        }

        for (block++; block < quotes.Length; block++)
        {
            if (quotes[block] != 0)
            {
                return (block * 32) + BitOperations.TrailingZeroCount(quotes[block]);
            }
        }

        return -1;
    }

    /// <summary>
    /// The fastest path, for the producer's own form: <c>{"k":"v","k":"v",...}</c> with no white
    /// space, printable ASCII only and no backslash. One vectorized pass finds every quote (and
    /// anything that rules the form out); the fields are then read between quotes. Any line not of
    /// exactly that form returns false without deciding anything, and goes to <see cref="Scan"/>,
    /// which reads such a line the same way: so both paths agree by construction.
    /// </summary>
    internal static bool ScanCompact(ReadOnlySpan<byte> line, ref PageViewFields fields)
    {
        const int MaxQuotes = 24; // six string pairs; the producer writes five
        if (line.Length < 2 || line[0] != (byte)'{' || line[^1] != (byte)'}')
        {
            return false;
        }

        Span<int> quotes = stackalloc int[MaxQuotes];
        var count = 0;
        var at = 0;
        if (Vector256.IsHardwareAccelerated && line.Length >= Vector256<byte>.Count)
        {
            var quote = Vector256.Create((byte)'"');
            var backslash = Vector256.Create((byte)'\\');
            var low = Vector256.Create((byte)0x20);
            var span = Vector256.Create((byte)(0x7E - 0x20));
            while (true)
            {
                var last = at + Vector256<byte>.Count >= line.Length;
                var start = last ? line.Length - Vector256<byte>.Count : at;
                var block = Vector256.Create(line.Slice(start, Vector256<byte>.Count));

                // Outside 0x20-0x7E (one unsigned compare after the shift) or a backslash: not the compact form.
                var bad = Vector256.GreaterThan(block - low, span) | Vector256.Equals(block, backslash);
                if (bad != Vector256<byte>.Zero)
                {
                    return false;
                }

                var mask = Vector256.Equals(block, quote).ExtractMostSignificantBits() >> (at - start); // the overlap was seen already
                while (mask != 0)
                {
                    if (count == MaxQuotes)
                    {
                        return false;
                    }

                    quotes[count++] = at + BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                }

                if (last)
                {
                    break;
                }

                at += Vector256<byte>.Count;
            }
        }
        else
        {
            for (; at < line.Length; at++)
            {
                var b = line[at];
                if (b is < 0x20 or > 0x7E or (byte)'\\')
                {
                    return false;
                }

                if (b == (byte)'"')
                {
                    if (count == MaxQuotes)
                    {
                        return false;
                    }

                    quotes[count++] = at;
                }
            }
        }

        // Each pair is four quotes: "key":"value", then ',' before the next pair or '}' at the end.
        if (count == 0 || count % 4 != 0 || quotes[count - 1] != line.Length - 2)
        {
            return false;
        }

        var found = default(PageViewFields);
        for (var q = 0; q < count; q += 4)
        {
            int keyOpen = quotes[q], keyClose = quotes[q + 1], valueOpen = quotes[q + 2], valueClose = quotes[q + 3];
            if (keyOpen != (q == 0 ? 1 : quotes[q - 1] + 2) || (q > 0 && line[keyOpen - 1] != (byte)',')
                || valueOpen != keyClose + 2 || line[keyClose + 1] != (byte)':')
            {
                return false;
            }

            Assign(ref found, Identify(line[(keyOpen + 1)..keyClose]), line[(valueOpen + 1)..valueClose]);
        }

        fields = found;
        return true;
    }

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

    /// <summary>The slow path: any valid JSON, escapes unescaped into <paramref name="scratch"/>.</summary>
    internal static ScanOutcome Read(ReadOnlySpan<byte> line, ref PageViewFields fields, ref byte[] scratch)
    {
        if (scratch.Length < line.Length)
        {
            scratch = new byte[Math.Max(line.Length, scratch.Length * 2)]; // unescaped text is never longer than the line
        }

        var used = 0;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ScanOutcome.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("ts"u8) ? Field.Timestamp
                    : reader.ValueTextEquals("article"u8) ? Field.Article
                    : reader.ValueTextEquals("edition"u8) ? Field.Edition
                    : reader.ValueTextEquals("session"u8) ? Field.Session
                    : reader.ValueTextEquals("agent"u8) ? Field.Agent
                    : Field.None;
                reader.Read();
                if (field == Field.None)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    return ScanOutcome.Malformed;
                }

                var written = reader.CopyString(scratch.AsSpan(used));
                Assign(ref fields, field, scratch.AsSpan(used, written));
                used += written;
            }

            // Past the end of the object only whitespace may follow; the reader throws on anything else.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? ScanOutcome.Parsed : ScanOutcome.Malformed;
        }
        catch (JsonException)
        {
            return ScanOutcome.Malformed;
        }
        catch (InvalidOperationException)
        {
            return ScanOutcome.Malformed; // invalid UTF-8 found while unescaping a string
        }
    }

    private static ScanOutcome ScanString(ReadOnlySpan<byte> line, int start, out ReadOnlySpan<byte> value, out int next)
    {
        var end = line[start..].IndexOfAny((byte)'"', (byte)'\\');
        value = default;
        next = line.Length;
        if (end < 0)
        {
            return ScanOutcome.Malformed; // unterminated: the line was cut
        }

        if (line[start + end] == (byte)'\\')
        {
            return ScanOutcome.Unsure;
        }

        value = line.Slice(start, end);
        next = start + end + 1;
        return ScanOutcome.Parsed;
    }

    private static ScanOutcome AfterObject(ReadOnlySpan<byte> line, int i) =>
        SkipWhitespace(line, i) == line.Length ? ScanOutcome.Parsed : ScanOutcome.Malformed;

    private static int SkipWhitespace(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    private static Field Identify(ReadOnlySpan<byte> key) => key.Length switch
    {
        2 when key.SequenceEqual("ts"u8) => Field.Timestamp,
        5 when key.SequenceEqual("agent"u8) => Field.Agent,
        7 when key.SequenceEqual("article"u8) => Field.Article,
        7 when key.SequenceEqual("edition"u8) => Field.Edition,
        7 when key.SequenceEqual("session"u8) => Field.Session,
        _ => Field.None,
    };

    private static void Assign(ref PageViewFields fields, Field field, ReadOnlySpan<byte> value)
    {
        // A repeated name takes the last value, as the reader path does.
        switch (field)
        {
            case Field.Timestamp:
                fields.Timestamp = value;
                fields.HasTimestamp = true;
                break;
            case Field.Article:
                fields.Article = value;
                fields.HasArticle = true;
                break;
            case Field.Edition:
                fields.Edition = value;
                fields.HasEdition = true;
                break;
            case Field.Session:
                fields.Session = value;
                fields.HasSession = true;
                break;
            case Field.Agent:
                fields.Agent = value;
                fields.HasAgent = true;
                break;
            case Field.None:
            default:
                break;
        }
    }
}
