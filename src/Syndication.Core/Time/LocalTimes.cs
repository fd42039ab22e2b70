namespace Syndication.Core.Time;

/// <summary>
/// A wall-clock time in an IANA zone as an instant, with daylight saving's two edges resolved by
/// named rules (NodaTime's <c>LenientResolver</c>, done with <see cref="TimeZoneInfo"/> alone):
/// <list type="bullet">
/// <item><b>Gap</b> (the clocks go forward, the time never happens): shifted forward by the
/// gap's length (NodaTime's <c>ReturnForwardShifted</c>). 02:30 in New York on the spring day is
/// 03:30 EDT, the instant a clock that kept running would have shown 02:30; 01:30 in London is
/// 02:30 BST. A send "at 02:30" still goes out, as soon after 02:00 as it would have.</item>
/// <item><b>Overlap</b> (the clocks go back, the time happens twice): the earlier of the two
/// (NodaTime's <c>ReturnEarlier</c>), the one still on summer time. A scheduled send goes at the
/// first 01:30 and, sent once per local date, not again at the second.</item>
/// </list>
/// The offsets on each side of a gap are read from the zone, not guessed from a fixed step back.
/// </summary>
public static class LocalTimes
{
    public static DateTimeOffset Resolve(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsAmbiguousTime(local))
        {
            // The larger offset is the earlier instant (UTC = local - offset).
            return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max());
        }

        if (zone.IsInvalidTime(local))
        {
            var (before, after) = GapOffsets(local, zone);
            return new DateTimeOffset(local, before).ToOffset(after);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>
    /// The offsets in force just before and just after the gap that swallows <paramref name="local"/>.
    /// Read with one side's offset, a time in the gap lands on an instant where the other side's
    /// offset is in force; so two readings, starting from the zone's base offset, give both sides.
    /// </summary>
    private static (TimeSpan Before, TimeSpan After) GapOffsets(DateTime local, TimeZoneInfo zone)
    {
        var first = OffsetAt(local, zone.BaseUtcOffset, zone);
        var second = OffsetAt(local, first, zone);
        return first <= second ? (first, second) : (second, first);
    }

    private static TimeSpan OffsetAt(DateTime local, TimeSpan offset, TimeZoneInfo zone) =>
        zone.GetUtcOffset(new DateTimeOffset(local, offset));
}
