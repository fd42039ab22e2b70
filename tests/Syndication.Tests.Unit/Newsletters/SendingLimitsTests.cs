using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

public sealed class SendingLimitsTests
{
    private static readonly DateOnly Start = new(2026, 11, 25);

    [Fact]
    public void The_warm_up_grows_each_day_and_ends_after_its_last_day()
    {
        var limits = new SendingLimits(maxPerHour: 0, maxPerDay: 0, warmupCaps: [50, 100, 250]);

        Assert.Equal(50, limits.DailyCap(Start, Start, out var day1));
        Assert.Equal(1, day1);
        Assert.Equal(100, limits.DailyCap(Start, Start.AddDays(1), out _));
        Assert.Equal(250, limits.DailyCap(Start, Start.AddDays(2), out _));
        Assert.Null(limits.DailyCap(Start, Start.AddDays(3), out _));
        Assert.Equal(50, limits.DailyCap(Start, Start.AddDays(-1), out _)); // a start still ahead holds the first day's cap
    }

    [Fact]
    public void A_reached_cap_says_until_when_and_why()
    {
        var limits = new SendingLimits(maxPerHour: 30, maxPerDay: 80, warmupCaps: [50, 100]);
        var at = new DateTimeOffset(2026, 11, 26, 9, 12, 0, TimeSpan.Zero); // warm-up day 2: 100, the daily cap 80 is lower

        Assert.Equal(30, limits.Allowance(Start, at, sentThisHour: 0, sentToday: 0).Allowed);
        Assert.Equal(10, limits.Allowance(Start, at, sentThisHour: 0, sentToday: 70).Allowed);
        var hour = limits.Allowance(Start, at, sentThisHour: 30, sentToday: 40);
        Assert.Equal((0, new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero)), (hour.Allowed, hour.Until!.Value));
        Assert.Contains("hourly cap of 30", hour.Reason, StringComparison.Ordinal);
        var day = limits.Allowance(Start, at, sentThisHour: 0, sentToday: 80);
        Assert.Equal((0, new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero)), (day.Allowed, day.Until!.Value));
        Assert.Contains("daily cap of 80", day.Reason, StringComparison.Ordinal);
        var warmup = new SendingLimits(0, 0, [50, 100]).Allowance(Start, at.AddDays(-1), 0, 50);
        Assert.Contains("warm-up's cap of 50 emails on its day 1 (of 2)", warmup.Reason, StringComparison.Ordinal);
    }
}
