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
/// <remarks>
/// In partial files, one per way of reading: <c>.ProducerForm</c> (the producer's own line, with
/// vectors; where there are none, or hardware intrinsics are off, it declines and the next reads
/// the line), <c>.FlatObject</c> (any flat object of plain strings) and <c>.JsonReader</c> (any
/// JSON); this file holds the order they are tried in and what they share.
/// </remarks>
internal static partial class PageViewLineParser
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
