using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Syndication.Core.Trending;

/// <summary>The producer's own form of a line, read with vectors; any other line is declined undecided.</summary>
internal static partial class PageViewLineParser
{
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
}
