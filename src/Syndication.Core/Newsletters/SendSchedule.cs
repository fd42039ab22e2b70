using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Syndication.Core.Catalog;
using Syndication.Core.Time;

namespace Syndication.Core.Newsletters;

public enum NewsletterCadence
{
    Daily,
    Weekly,
}

/// <summary>What the send timer should do now for one edition and cadence.</summary>
/// <param name="Due">True when the issue for <paramref name="LocalDate"/> should be sent now.</param>
/// <param name="IssueKey">The issue's key (<c>india/2026-11-25</c>, <c>india/weekly/2026-11-30</c>): use it as the idempotency key of the send.</param>
/// <param name="LocalDate">The edition's local date the decision is about.</param>
/// <param name="ScheduledAt">When that date's issue is (or was) scheduled, as an instant; null on a day without one (weekly).</param>
public sealed record ScheduleDecision(bool Due, string IssueKey, DateOnly LocalDate, DateTimeOffset? ScheduledAt);

/// <summary>
/// Decides when an edition's newsletter is due: at a local wall-clock time in the edition's IANA
/// zone, every day or on one weekday, at most once per local date, however often the timer fires.
/// An issue missed by a stopped timer is sent late the same local day but never on the next.
/// Daylight saving (<see cref="LocalTimes"/>): a send time that does not exist on the day the
/// clocks go forward moves forward by the gap (02:30 becomes 03:30 in New York); one that happens
/// twice on the day they go back is sent at the first.
/// </summary>
public sealed class SendSchedule
{
    public SendSchedule(Edition edition, TimeOnly sendAt, NewsletterCadence cadence = NewsletterCadence.Daily, DayOfWeek weeklyOn = DayOfWeek.Monday)
    {
        ArgumentNullException.ThrowIfNull(edition);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(edition.TimeZone, out var zone))
        {
            throw new ArgumentException($"Edition '{edition.Id}' has time zone '{edition.TimeZone}', which is not an IANA zone this machine knows.", nameof(edition));
        }

        Edition = edition;
        Zone = zone;
        SendAt = sendAt;
        Cadence = cadence;
        WeeklyOn = weeklyOn;
    }

    public Edition Edition { get; }

    public TimeZoneInfo Zone { get; }

    public TimeOnly SendAt { get; }

    public NewsletterCadence Cadence { get; }

    public DayOfWeek WeeklyOn { get; }

    /// <summary>The local date in <paramref name="zone"/> at <paramref name="instant"/>.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    /// <param name="now">The timer's time (from the injected <see cref="TimeProvider"/>).</param>
    /// <param name="lastIssueKey">The key of the last issue sent on this schedule, or null if none.</param>
    public ScheduleDecision Evaluate(DateTimeOffset now, string? lastIssueKey)
    {
        var date = LocalDate(now, Zone);
        var key = IssueKey(date);
        if (!IsSendDay(date))
        {
            return new ScheduleDecision(false, key, date, null);
        }

        var scheduledAt = ScheduledInstant(date);
        var alreadySent = TryParseIssueDate(lastIssueKey, out var last) && last >= date;
        return new ScheduleDecision(now >= scheduledAt && !alreadySent, key, date, scheduledAt);
    }

    /// <summary>The first scheduled send strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset after)
    {
        var date = LocalDate(after, Zone);
        for (var i = 0; i < 9; i++, date = date.AddDays(1))
        {
            if (IsSendDay(date) && ScheduledInstant(date) is var at && at > after)
            {
                return at;
            }
        }

        throw new InvalidOperationException("No send day within nine days; the schedule is inconsistent.");
    }

    /// <summary><c>{edition}/{yyyy-MM-dd}</c> for daily issues, <c>{edition}/weekly/{yyyy-MM-dd}</c> for weekly ones.</summary>
    public string IssueKey(DateOnly localDate) => Cadence == NewsletterCadence.Weekly
        ? $"{Edition.Id}/weekly/{localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
        : $"{Edition.Id}/{localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    /// <summary>The local date at the end of an issue key, whatever its edition or cadence.</summary>
    public static bool TryParseIssueDate([NotNullWhen(true)] string? issueKey, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrEmpty(issueKey))
        {
            return false;
        }

        var slash = issueKey.LastIndexOf('/');
        return slash > 0 && DateOnly.TryParseExact(issueKey.AsSpan(slash + 1), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    /// <summary>The instant of <see cref="SendAt"/> on <paramref name="date"/> in the edition's zone, daylight saving's gap and overlap resolved by <see cref="LocalTimes.Resolve"/>.</summary>
    public DateTimeOffset ScheduledInstant(DateOnly date) => LocalTimes.Resolve(date.ToDateTime(SendAt, DateTimeKind.Unspecified), Zone);

    private bool IsSendDay(DateOnly date) => Cadence == NewsletterCadence.Daily || date.DayOfWeek == WeeklyOn;
}
