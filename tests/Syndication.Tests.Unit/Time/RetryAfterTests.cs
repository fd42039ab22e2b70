using Syndication.Core.Time;

namespace Syndication.Tests.Unit.Time;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("120", 120)]
    [InlineData("0", 0)]
    [InlineData(" 30 ", 30)]
    [InlineData("007", 7)]
    public void Delta_seconds_are_a_wait_of_that_many_seconds(string header, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(header, Now));

    [Theory]
    [InlineData("Wed, 25 Nov 2026 09:02:00 GMT", 120)] // IMF-fixdate
    [InlineData("Wednesday, 25-Nov-26 09:02:00 GMT", 120)] // RFC 850
    [InlineData("Wed Nov 25 09:02:00 2026", 120)] // asctime
    [InlineData("Wed Dec  2 09:00:00 2026", 86_400)] // asctime's space-padded day; a week away, capped at a day
    public void An_http_date_is_the_wait_until_it_from_the_callers_clock(string header, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(header, Now));

    [Theory]
    [InlineData("Wed, 25 Nov 2026 08:00:00 GMT")]
    [InlineData("Thu, 01 Jan 1970 00:00:00 GMT")]
    public void A_date_already_past_is_no_wait(string header) =>
        Assert.Equal(TimeSpan.Zero, RetryAfter.Parse(header, Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("-0")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("12 s")]
    [InlineData("0x10")]
    [InlineData("Wed, 25 Nov 2026 09:02:00 PST")]
    [InlineData("2026-11-25T09:02:00Z")]
    [InlineData("Wed, 31 Nov 2026 09:02:00 GMT")]
    public void Garbage_and_negative_values_are_no_answer_so_the_caller_keeps_its_own_back_off(string? header) =>
        Assert.Null(RetryAfter.Parse(header, Now));

    [Theory]
    [InlineData("86401", 86_400)]
    [InlineData("2147483648", 86_400)] // past int
    [InlineData("9223372036854775808", 86_400)] // past long
    [InlineData("99999999999999999999999999999999999999", 86_400)]
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT", 86_400)]
    public void A_huge_wait_is_capped_at_a_day_by_default(string header, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(header, Now));

    [Fact]
    public void The_caller_names_its_own_cap()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), RetryAfter.Parse("3600", Now, TimeSpan.FromMinutes(2)));
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfter.Parse("90", Now, TimeSpan.FromMinutes(2)));
        Assert.Equal(TimeSpan.FromMinutes(2), RetryAfter.Parse("Wed, 25 Nov 2026 10:00:00 GMT", Now, TimeSpan.FromMinutes(2)));
    }
}
