using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

public sealed class SendScheduleTests
{
    private static readonly PublicationCatalog Catalog = new(new SyndicationOptions());
    private static readonly Edition India = Catalog.FindEdition("india")!;
    private static readonly Edition Us = Catalog.FindEdition("us")!;
    private static readonly Edition AsiaPacific = Catalog.FindEdition("asia-pacific")!;
    private static readonly TimeOnly Seven = new(7, 0);

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>Fires every five minutes like the timer, sends whatever is due, and returns what went out when.</summary>
    private static List<(string Key, DateTimeOffset At)> RunTimer(SendSchedule schedule, DateTimeOffset from, DateTimeOffset to, string? last)
    {
        var sent = new List<(string, DateTimeOffset)>();
        for (var now = from; now < to; now = now.AddMinutes(5))
        {
            var decision = schedule.Evaluate(now, last);
            if (decision.Due)
            {
                sent.Add((decision.IssueKey, now));
                last = decision.IssueKey;
            }
        }

        return sent;
    }

    [Fact]
    public void India_is_due_at_seven_in_kolkata_which_is_01_30_utc()
    {
        var schedule = new SendSchedule(India, Seven);

        Assert.False(schedule.Evaluate(Utc(11, 25, 1, 25), "india/2026-11-24").Due);
        var due = schedule.Evaluate(Utc(11, 25, 1, 30), "india/2026-11-24");
        Assert.True(due.Due);
        Assert.Equal("india/2026-11-25", due.IssueKey);
        Assert.Equal(new DateOnly(2026, 11, 25), due.LocalDate);
        Assert.Equal(Utc(11, 25, 1, 30), due.ScheduledAt);
    }

    [Fact]
    public void The_issue_date_is_the_editions_local_date_not_the_utc_date()
    {
        // 23:05 UTC on the 24th is already 07:05 on the 25th in Singapore.
        var decision = new SendSchedule(AsiaPacific, Seven).Evaluate(Utc(11, 24, 23, 5), "asia-pacific/2026-11-24");

        Assert.True(decision.Due);
        Assert.Equal("asia-pacific/2026-11-25", decision.IssueKey);

        // And 19:00 UTC on the 24th is 00:30 on the 25th in Kolkata: the 25th's issue, not yet due.
        var early = new SendSchedule(India, Seven).Evaluate(Utc(11, 24, 19, 0), "india/2026-11-24");
        Assert.False(early.Due);
        Assert.Equal("india/2026-11-25", early.IssueKey);
    }

    [Fact]
    public void Never_twice_for_one_local_date_with_a_timer_every_five_minutes()
    {
        var sent = RunTimer(new SendSchedule(India, Seven), Utc(11, 20, 0), Utc(11, 27, 0), "india/2026-11-19");

        Assert.Equal(
            ["india/2026-11-20", "india/2026-11-21", "india/2026-11-22", "india/2026-11-23", "india/2026-11-24", "india/2026-11-25", "india/2026-11-26"],
            sent.Select(s => s.Key));
        Assert.All(sent, s => Assert.Equal(new TimeSpan(1, 30, 0), s.At.TimeOfDay));
    }

    [Fact]
    public void New_york_sends_at_seven_local_across_the_spring_change_so_at_11_utc_after_12_before()
    {
        // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT.
        var sent = RunTimer(new SendSchedule(Us, Seven), Utc(3, 7, 0), Utc(3, 10, 0), "us/2026-03-06");

        Assert.Equal(
            [("us/2026-03-07", Utc(3, 7, 12)), ("us/2026-03-08", Utc(3, 8, 11)), ("us/2026-03-09", Utc(3, 9, 11))],
            sent);
    }

    [Fact]
    public void New_york_sends_at_seven_local_across_the_autumn_change_so_at_12_utc_after_11_before()
    {
        // 2026-11-01: clocks go back from 02:00 EDT to 01:00 EST.
        var sent = RunTimer(new SendSchedule(Us, Seven), Utc(10, 31, 0), Utc(11, 3, 0), "us/2026-10-30");

        Assert.Equal(
            [("us/2026-10-31", Utc(10, 31, 11)), ("us/2026-11-01", Utc(11, 1, 12)), ("us/2026-11-02", Utc(11, 2, 12))],
            sent);
    }

    [Fact]
    public void A_send_time_skipped_by_the_spring_change_goes_out_once_just_after_the_gap()
    {
        var schedule = new SendSchedule(Us, new TimeOnly(2, 30));

        // 02:30 does not exist on 2026-03-08; it goes out at 03:30 EDT, 07:30 UTC.
        Assert.Equal(Utc(3, 8, 7, 30), schedule.ScheduledInstant(new DateOnly(2026, 3, 8)));
        var sent = RunTimer(schedule, Utc(3, 7, 12), Utc(3, 9, 6), "us/2026-03-07");
        Assert.Equal([("us/2026-03-08", Utc(3, 8, 7, 30))], sent);
    }

    [Fact]
    public void A_send_time_repeated_by_the_autumn_change_goes_out_once_at_its_first_occurrence()
    {
        var schedule = new SendSchedule(Us, new TimeOnly(1, 30));

        // 01:30 happens twice on 2026-11-01: first at 01:30 EDT (05:30 UTC), again at 01:30 EST (06:30 UTC).
        Assert.Equal(Utc(11, 1, 5, 30), schedule.ScheduledInstant(new DateOnly(2026, 11, 1)));
        var sent = RunTimer(schedule, Utc(11, 1, 4), Utc(11, 1, 12), "us/2026-10-31");
        Assert.Equal([("us/2026-11-01", Utc(11, 1, 5, 30))], sent);
    }

    [Fact]
    public void A_timer_that_was_down_sends_late_the_same_local_day_but_not_the_next()
    {
        var schedule = new SendSchedule(India, Seven);

        Assert.True(schedule.Evaluate(Utc(11, 25, 17, 0), "india/2026-11-24").Due);

        // Nothing was sent on the 25th; on the 26th before 07:00 IST the 25th is not sent any more.
        var next = schedule.Evaluate(Utc(11, 25, 19, 0), "india/2026-11-24");
        Assert.False(next.Due);
        Assert.Equal("india/2026-11-26", next.IssueKey);
    }

    [Fact]
    public void A_last_issue_from_a_later_date_blocks_earlier_ones_so_a_clock_going_back_does_not_resend()
    {
        Assert.False(new SendSchedule(India, Seven).Evaluate(Utc(11, 25, 3, 0), "india/2026-11-26").Due);
    }

    [Fact]
    public void The_first_issue_of_a_new_schedule_is_due_without_a_last_issue()
    {
        Assert.True(new SendSchedule(India, Seven).Evaluate(Utc(11, 25, 2, 0), null).Due);
    }

    [Fact]
    public void Weekly_issues_go_out_once_a_week_on_the_chosen_local_weekday()
    {
        var schedule = new SendSchedule(India, Seven, NewsletterCadence.Weekly, DayOfWeek.Monday);

        var sent = RunTimer(schedule, Utc(11, 20, 0), Utc(12, 8, 0), "india/weekly/2026-11-16");

        Assert.Equal(["india/weekly/2026-11-23", "india/weekly/2026-11-30", "india/weekly/2026-12-07"], sent.Select(s => s.Key));
        var tuesday = schedule.Evaluate(Utc(11, 24, 3, 0), "india/weekly/2026-11-23");
        Assert.False(tuesday.Due);
        Assert.Null(tuesday.ScheduledAt);
    }

    [Fact]
    public void Next_after_gives_the_next_send_instant()
    {
        var schedule = new SendSchedule(Us, Seven);

        Assert.Equal(Utc(3, 8, 11), schedule.NextAfter(Utc(3, 7, 12)));
        Assert.Equal(Utc(11, 30, 12), new SendSchedule(Us, Seven, NewsletterCadence.Weekly, DayOfWeek.Monday).NextAfter(Utc(11, 23, 12)));
    }

    [Theory]
    [InlineData("india/2026-11-25", true, 2026, 11, 25)]
    [InlineData("india/weekly/2026-11-30", true, 2026, 11, 30)]
    [InlineData("india/yesterday", false, 1, 1, 1)]
    [InlineData("", false, 1, 1, 1)]
    [InlineData(null, false, 1, 1, 1)]
    public void Issue_keys_end_in_their_local_date(string? key, bool parses, int year, int month, int day)
    {
        Assert.Equal(parses, SendSchedule.TryParseIssueDate(key, out var date));
        if (parses)
        {
            Assert.Equal(new DateOnly(year, month, day), date);
        }
    }

    [Fact]
    public void An_edition_with_an_unknown_zone_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new SendSchedule(new Edition("mars", "Mars", "Mars/Olympus_Mons", []), Seven));
    }
}
