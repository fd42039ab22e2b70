namespace Syndication.Core.Ingestion.Normalization;

/// <summary>Why a source's date was not believed.</summary>
public enum UntrustedDate
{
    /// <summary>Before <see cref="DatePolicy.Earliest"/>: a zero or epoch default, or a typo in the year.</summary>
    TooOld,

    /// <summary>Later than now plus the tolerance: a wrong time zone, a wrong clock, or an embargo date.</summary>
    InFuture,
}

/// <summary>What <see cref="DatePolicy"/> made of one instant.</summary>
/// <param name="Instant">The instant to use: the source's own when trusted, the ingestion time otherwise; in UTC.</param>
/// <param name="Reason">Why the source's instant was replaced; null when it was trusted.</param>
/// <param name="Original">The instant the source gave.</param>
public readonly record struct DateVerdict(DateTimeOffset Instant, UntrustedDate? Reason, DateTimeOffset Original)
{
    public bool IsTrusted => Reason is null;
}

/// <summary>
/// Decides whether a source's date can be shown and sorted on. Feeds sort newest first, so one item
/// dated 2099 would sit on top of every feed for decades, and one dated 1970 would be archived at
/// once: such dates are replaced with the moment we ingested the item, and the caller flags it.
/// </summary>
public sealed class DatePolicy
{
    /// <summary>No news item we syndicate predates this; anything earlier is a default or a typo.</summary>
    public static readonly DateTimeOffset Earliest = new(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Allows for sources whose clocks run a little fast, and for the time a drop takes to be ingested.</summary>
    public static readonly TimeSpan DefaultFutureTolerance = TimeSpan.FromMinutes(15);

    private readonly TimeProvider _clock;

    public DatePolicy(TimeProvider clock, TimeSpan? futureTolerance = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var tolerance = futureTolerance ?? DefaultFutureTolerance;
        ArgumentOutOfRangeException.ThrowIfLessThan(tolerance, TimeSpan.Zero, nameof(futureTolerance));
        _clock = clock;
        FutureTolerance = tolerance;
    }

    public TimeSpan FutureTolerance { get; }

    /// <param name="embargo">
    /// The story's embargo, if any: dates up to it (plus the tolerance) are a scheduled story's own
    /// and believed; later ones are still a wrong clock.
    /// </param>
    public DateVerdict Check(DateTimeOffset instant, DateTimeOffset? embargo = null)
    {
        var original = instant.ToUniversalTime();
        var now = _clock.GetUtcNow();
        var horizon = embargo is { } lift && lift > now ? lift.ToUniversalTime() : now;
        if (original < Earliest)
        {
            return new DateVerdict(now, UntrustedDate.TooOld, original);
        }

        if (original > horizon + FutureTolerance)
        {
            return new DateVerdict(now, UntrustedDate.InFuture, original);
        }

        return new DateVerdict(original, null, original);
    }
}
