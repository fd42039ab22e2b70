using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Ingestion.Normalization;

namespace Syndication.Tests.Ingestion;

public sealed class DatePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-11-25T11:59:00Z", null)]
    [InlineData("2026-11-25T12:00:00Z", null)]
    [InlineData("2026-11-25T12:15:00Z", null)]
    [InlineData("2026-11-25T12:15:01Z", UntrustedDate.InFuture)]
    [InlineData("2026-11-25T17:30:00+05:30", null)]
    [InlineData("2026-11-25T17:46:00+05:30", UntrustedDate.InFuture)]
    [InlineData("2026-11-26T12:00:00Z", UntrustedDate.InFuture)]
    [InlineData("2099-01-01T00:00:00Z", UntrustedDate.InFuture)]
    [InlineData("1990-01-01T00:00:00Z", null)]
    [InlineData("1989-12-31T23:59:59Z", UntrustedDate.TooOld)]
    [InlineData("1970-01-01T00:00:00Z", UntrustedDate.TooOld)]
    [InlineData("0001-01-01T00:00:00Z", UntrustedDate.TooOld)]
    [InlineData("1999-07-08T07:00:00Z", null)]
    public void Dates_before_1990_or_beyond_the_tolerance_are_replaced_by_now(string instant, UntrustedDate? reason)
    {
        var policy = new DatePolicy(new FakeTimeProvider(Now));
        var given = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

        var verdict = policy.Check(given);

        Assert.Equal(reason, verdict.Reason);
        Assert.Equal(reason is null, verdict.IsTrusted);
        Assert.Equal(reason is null ? given : Now, verdict.Instant);
        Assert.Equal(TimeSpan.Zero, verdict.Instant.Offset);
        Assert.Equal(given, verdict.Original);
    }

    [Fact]
    public void The_tolerance_is_configurable()
    {
        var strict = new DatePolicy(new FakeTimeProvider(Now), TimeSpan.Zero);
        var lenient = new DatePolicy(new FakeTimeProvider(Now), TimeSpan.FromHours(2));

        Assert.False(strict.Check(Now.AddSeconds(1)).IsTrusted);
        Assert.True(lenient.Check(Now.AddMinutes(90)).IsTrusted);
        Assert.Equal(DatePolicy.DefaultFutureTolerance, new DatePolicy(TimeProvider.System).FutureTolerance);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DatePolicy(TimeProvider.System, TimeSpan.FromMinutes(-1)));
    }

    [Fact]
    public void Now_is_read_from_the_clock_at_each_check()
    {
        var clock = new FakeTimeProvider(Now);
        var policy = new DatePolicy(clock);
        var inAnHour = Now.AddHours(1);

        Assert.False(policy.Check(inAnHour).IsTrusted);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(policy.Check(inAnHour).IsTrusted);
    }
}
