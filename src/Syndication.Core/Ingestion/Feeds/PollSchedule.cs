namespace Syndication.Core.Ingestion.Feeds;

/// <summary>What a feed and its server said about when to come back, kept between polls (a 304 carries no feed).</summary>
/// <param name="FreshFor">The server's <c>Cache-Control: max-age</c> or <c>Expires</c>, as a duration.</param>
/// <param name="TtlMinutes">The feed's RSS <c>ttl</c>.</param>
/// <param name="SkipHours">RSS <c>skipHours</c>: hours (0-23, GMT) not to poll in.</param>
/// <param name="SkipDays">RSS <c>skipDays</c>: days (GMT) not to poll on.</param>
public sealed record PollHints(TimeSpan? FreshFor, int? TtlMinutes, IReadOnlyList<int> SkipHours, IReadOnlyList<DayOfWeek> SkipDays)
{
    public static PollHints None { get; } = new(null, null, [], []);
}

/// <summary>
/// When to poll a feed that answered next: as soon as the longer of its server's freshness
/// (<c>max-age</c>/<c>Expires</c>) and its own <c>ttl</c> allows, never sooner than the floor, then
/// out of the hours and days it asks to be skipped (<c>skipHours</c>, <c>skipDays</c>, GMT), and never
/// later than the ceiling. A skip list that covers every hour or every day is taken for a mistake and ignored.
/// </summary>
public static class PollSchedule
{
    public static DateTimeOffset Next(DateTimeOffset now, PollHints hints, TimeSpan floor, TimeSpan ceiling)
    {
        ArgumentNullException.ThrowIfNull(hints);
        var wish = Max(hints.FreshFor, hints.TtlMinutes is { } ttl ? TimeSpan.FromMinutes(ttl) : null) ?? TimeSpan.Zero;
        var wait = wish < floor ? floor : wish > ceiling ? ceiling : wish;
        var latest = now + ceiling;
        var next = now + wait;
        IReadOnlyList<int> hours = hints.SkipHours.Distinct().Count() >= 24 ? [] : hints.SkipHours;
        IReadOnlyList<DayOfWeek> days = hints.SkipDays.Distinct().Count() >= 7 ? [] : hints.SkipDays;

        // At most a week of hours to step over; each step goes to the top of the next hour.
        for (var step = 0; step < 7 * 24 && Skipped(next.ToUniversalTime(), hours, days); step++)
        {
            var utc = next.ToUniversalTime();
            next = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        }

        return next > latest ? latest : next;
    }

    private static bool Skipped(DateTimeOffset utc, IReadOnlyList<int> hours, IReadOnlyList<DayOfWeek> days) =>
        hours.Contains(utc.Hour) || days.Contains(utc.DayOfWeek);

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
