namespace Syndication.Core.Trending;

/// <summary>What <see cref="PageViewAggregator"/> made of one page-view log.</summary>
/// <remarks>
/// Every physical line lands in exactly one of the counters, so
/// <c>TotalLines == CountedViews + BotViews + DuplicateSessionViews + MalformedLines + BlankLines</c>;
/// the stage can log that sum and trust that nothing was dropped silently.
/// </remarks>
public sealed record PageViewAggregation
{
    /// <summary>Physical lines read, including blank and malformed ones (a last line without a newline counts).</summary>
    public required long TotalLines { get; init; }

    /// <summary>Human views counted into <see cref="Buckets"/>: one per session, article, edition and hour.</summary>
    public required long CountedViews { get; init; }

    /// <summary>Views whose agent was a bot or bot-like, not counted.</summary>
    public required long BotViews { get; init; }

    /// <summary>Repeated views of an article by a session within the same hour and edition, not counted.</summary>
    public required long DuplicateSessionViews { get; init; }

    /// <summary>Lines that were not a page-view object with the five fields (or longer than the line limit).</summary>
    public required long MalformedLines { get; init; }

    /// <summary>The 1-based numbers of the first malformed lines (at most <see cref="PageViewAggregatorOptions.MalformedLineSamples"/>).</summary>
    public required IReadOnlyList<long> FirstMalformedLines { get; init; }

    /// <summary>Empty or whitespace-only lines, ignored.</summary>
    public required long BlankLines { get; init; }

    /// <summary>
    /// Buckets whose distinct sessions outgrew the exact set and were counted with the sketch
    /// (about 1.6% standard error); only the hottest articles in the biggest editions get there.
    /// </summary>
    public required int EstimatedBuckets { get; init; }

    /// <summary>Counts per (edition, article key, hour), ordered by edition, article key, hour (ordinal).</summary>
    public required IReadOnlyList<HourlyViewCount> Buckets { get; init; }
}

/// <summary>Limits of <see cref="PageViewAggregator"/>; the defaults suit production logs.</summary>
public sealed record PageViewAggregatorOptions
{
    public static PageViewAggregatorOptions Default { get; } = new();

    /// <summary>
    /// Initial read buffer for streams. It grows (doubling, up to <see cref="MaxLineBytes"/>) only
    /// when one line does not fit, so tests can use a few bytes to force lines across reads.
    /// </summary>
    public int BufferSize { get; init; } = 64 * 1024;

    /// <summary>A line of this many bytes or more is counted as malformed and skipped without being held in memory.</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Distinct sessions remembered exactly per bucket (a 64-bit fingerprint each, in the hour's
    /// open-addressing table); the sessions after them are counted by a 4 KiB HyperLogLog sketch.
    /// Bounds memory per bucket at about 11 to 21 × this many bytes, plus the sketch, however hot
    /// an article gets.
    /// </summary>
    public int ExactSessionsPerBucket { get; init; } = 1024;

    /// <summary>How many malformed line numbers to report.</summary>
    public int MalformedLineSamples { get; init; } = 5;

    /// <summary>
    /// Distinct editions one log may name (a deployment has a handful): a line naming one more is
    /// counted as malformed, so the (edition, article) key space stays bounded whatever the log says.
    /// </summary>
    public int MaxEditions { get; init; } = 256;

    internal void Validate()
    {
        if (BufferSize < 1 || MaxLineBytes < 1 || ExactSessionsPerBucket < 1 || MalformedLineSamples < 0 || MaxEditions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PageViewAggregatorOptions), "Buffer size, line limit and exact sessions must be positive; samples not negative.");
        }
    }
}
