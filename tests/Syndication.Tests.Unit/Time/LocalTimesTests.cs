using Syndication.Core.Time;

namespace Syndication.Tests.Unit.Time;

public sealed class LocalTimesTests
{
    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static DateTime Local(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);

    [Theory]
    // London, 29 March 2026: 01:00 GMT becomes 02:00 BST; 01:30 does not exist.
    [InlineData("Europe/London", 2026, 3, 29, 1, 30, "2026-03-29T01:30:00Z", 2, 30, 1)]
    [InlineData("Europe/London", 2026, 3, 29, 1, 0, "2026-03-29T01:00:00Z", 2, 0, 1)]
    [InlineData("Europe/London", 2026, 3, 29, 1, 59, "2026-03-29T01:59:00Z", 2, 59, 1)]
    // New York, 8 March 2026: 02:00 EST becomes 03:00 EDT; 02:30 does not exist.
    [InlineData("America/New_York", 2026, 3, 8, 2, 30, "2026-03-08T07:30:00Z", 3, 30, -4)]
    [InlineData("America/New_York", 2026, 3, 8, 2, 0, "2026-03-08T07:00:00Z", 3, 0, -4)]
    // Lord Howe's half-hour gap (02:00 becomes 02:30 on 4 October 2026): forward by 30 minutes, not an hour.
    [InlineData("Australia/Lord_Howe", 2026, 10, 4, 2, 15, "2026-10-03T15:45:00Z", 2, 45, 11)]
    public void A_time_in_the_spring_gap_moves_forward_by_the_gap_s_length(string zone, int year, int month, int day, int hour, int minute, string utc, int shownHour, int shownMinute, int offsetHours)
    {
        var local = Local(year, month, day, hour, minute);
        Assert.True(Zone(zone).IsInvalidTime(local)); // the case is really a gap

        var resolved = LocalTimes.Resolve(local, Zone(zone));

        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), resolved);
        Assert.Equal((shownHour, shownMinute), (resolved.Hour, resolved.Minute)); // what a wall clock shows then
        Assert.Equal(TimeSpan.FromHours(offsetHours), resolved.Offset);
        Assert.Equal(TimeZoneInfo.ConvertTime(resolved, Zone(zone)).DateTime, resolved.DateTime);
    }

    [Theory]
    // London, 25 October 2026: 02:00 BST becomes 01:00 GMT; 01:30 happens at 00:30Z and again at 01:30Z.
    [InlineData("Europe/London", 2026, 10, 25, 1, 30, "2026-10-25T00:30:00Z", 1)]
    // New York, 1 November 2026: 02:00 EDT becomes 01:00 EST; 01:30 happens at 05:30Z and again at 06:30Z.
    [InlineData("America/New_York", 2026, 11, 1, 1, 30, "2026-11-01T05:30:00Z", -4)]
    [InlineData("America/New_York", 2026, 11, 1, 1, 0, "2026-11-01T05:00:00Z", -4)]
    public void A_time_the_autumn_overlap_repeats_is_its_earlier_occurrence(string zone, int year, int month, int day, int hour, int minute, string utc, int offsetHours)
    {
        var local = Local(year, month, day, hour, minute);
        Assert.True(Zone(zone).IsAmbiguousTime(local)); // the case is really an overlap

        var resolved = LocalTimes.Resolve(local, Zone(zone));

        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), resolved);
        Assert.Equal(TimeSpan.FromHours(offsetHours), resolved.Offset);
        Assert.Equal((hour, minute), (resolved.Hour, resolved.Minute)); // the wall clock shows the time asked for
    }

    [Theory]
    [InlineData("Europe/London", 2026, 7, 1, 9, 0, "2026-07-01T08:00:00Z")]
    [InlineData("America/New_York", 2026, 1, 15, 9, 0, "2026-01-15T14:00:00Z")]
    [InlineData("Asia/Kolkata", 2026, 3, 29, 1, 30, "2026-03-28T20:00:00Z")]
    public void An_ordinary_time_is_the_one_instant_it_names(string zone, int year, int month, int day, int hour, int minute, string utc)
    {
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), LocalTimes.Resolve(Local(year, month, day, hour, minute), Zone(zone)));
    }
}
