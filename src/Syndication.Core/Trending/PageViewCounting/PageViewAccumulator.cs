namespace Syndication.Core.Trending;

/// <summary>
/// The state of one aggregation: counters, interned editions and article keys, one bucket per
/// (edition, article, hour), and one table per hour of the (session, bucket) pairs counted. A line
/// costs a scan, an article lookup, a look in a small dense cache for its bucket, and one probe
/// into the hour's table; no allocation. Only a key seen for the first time allocates (the bucket
/// arrays and session tables in native memory, freed by <see cref="Dispose"/>).
/// </summary>
/// <remarks>
/// One class in partial files, each with one job: this one reads a line and keeps the counters;
/// <c>.Batches</c> looks up and counts the views in batches (prefetching); <c>.Buckets</c> finds a
/// view's bucket; <c>.Result</c> orders the buckets into the result. What a line means is decided
/// by plain code beside them: <see cref="BotPolicy"/>, <see cref="UtcHourParser"/>,
/// <see cref="EditionTable"/> and <see cref="SessionHash"/>.
/// </remarks>
internal sealed partial class PageViewAccumulator(PageViewAggregatorOptions options) : IDisposable
{
    private readonly EditionTable _editions = new(options.MaxEditions);
    private readonly ArticleTable _articles = new();
    private readonly UtcHourParser _hours = new();
    // The buckets' arrays and the hours' session tables: native, so that they grow by a plain copy, freed together.
    private readonly NativeTableMemory _tableMemory = new();
    private readonly List<long> _firstMalformed = [];
    private byte[] _scratch = [];
    private long _lines;
    private long _bots;
    private long _malformed;
    private long _blank;

    public void Line(ReadOnlySpan<byte> line)
    {
        _lines++;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1]; // CRLF logs: keep them on the fast path
        }

        if (line.IsEmpty || (line[0] != (byte)'{' && line.IndexOfAnyExcept(" \t\r"u8) < 0))
        {
            _blank++;
            return;
        }

        var fields = default(PageViewFields);
        if (PageViewLineParser.Parse(line, ref fields, ref _scratch) != ScanOutcome.Parsed
            || !fields.IsComplete
            || fields.Article.IsEmpty
            || fields.Session.IsEmpty
            || fields.Edition.IsEmpty
            || fields.Edition.Length > 64
            || !System.Text.Ascii.IsValid(fields.Edition)
            || !_hours.TryParse(fields.Timestamp, out var hour))
        {
            Malformed();
            return;
        }

        if (BotPolicy.IsBot(fields.Agent))
        {
            _bots++;
            return;
        }

        var edition = _editions.Intern(fields.Edition);
        if (edition < 0)
        {
            Malformed(); // one edition too many
            return;
        }

        Add(fields.Article, edition, hour, SessionHash.Of(fields.Session));
    }

    public void OverlongLine()
    {
        _lines++;
        Malformed();
    }

    /// <summary>Frees the native memory (buckets, session tables) at once rather than at its finalizer.</summary>
    public void Dispose()
    {
        _sessions.Clear();
        ForgetBuckets();
        _tableMemory.Dispose();
        _currentSessions = null;
        _pendingCount = _readyCount = 0;
    }

    private void Malformed()
    {
        _malformed++;
        if (_firstMalformed.Count < options.MalformedLineSamples)
        {
            _firstMalformed.Add(_lines);
        }
    }
}
