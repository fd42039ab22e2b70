using System.Globalization;
using System.Text;
using Syndication.Core.Trending;

namespace Syndication.Tests.Trending;

public sealed class UtcHourParserTests
{
    [Theory]
    [InlineData("2026-11-25T09:03:12Z", "2026-11-25T09:00:00Z")]
    [InlineData("2026-11-25t09:03:12z", "2026-11-25T09:00:00Z")] // RFC 3339 allows either case
    [InlineData("2026-11-25T09:59:59.9999999Z", "2026-11-25T09:00:00Z")]
    [InlineData("2026-11-25T09:03:12.5+05:30", "2026-11-25T03:00:00Z")] // India: 03:33 UTC
    [InlineData("2026-11-25T23:30:00-03:00", "2026-11-26T02:00:00Z")] // the next day in UTC
    [InlineData("2026-03-01T00:10:00+01:00", "2026-02-28T23:00:00Z")] // the day before, across a month
    [InlineData("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z")] // a leap day
    [InlineData("2026-06-30T23:59:60Z", "2026-06-30T23:00:00Z")] // a leap second
    [InlineData("1969-12-31T23:30:00Z", "1969-12-31T23:00:00Z")] // before 1970: the hour is floored, not rounded to zero
    [InlineData("1970-01-01T00:30:00+01:00", "1969-12-31T23:00:00Z")]
    public void An_rfc3339_instant_gives_its_utc_hour(string ts, string expectedHour)
    {
        var expected = DateTimeOffset.Parse(expectedHour, CultureInfo.InvariantCulture);

        Assert.True(new UtcHourParser().TryParse(Encoding.UTF8.GetBytes(ts), out var hour));

        Assert.Equal(expected, DateTimeOffset.UnixEpoch.AddHours(hour));
    }

    [Theory]
    [InlineData("2026-11-25T09:03:12")] // no offset: ambiguous
    [InlineData("2026-11-25 09:03:12Z")]
    [InlineData("2026-11-25T09:03:12+0530")]
    [InlineData("2026-11-25T09:03:12+24:00")]
    [InlineData("2026-11-25T09:03:12+05:60")]
    [InlineData("2026-11-25T09:03:12.Z")]
    [InlineData("2026-11-25T09:03:12ZZ")]
    [InlineData("2026-13-25T09:03:12Z")]
    [InlineData("2026-00-25T09:03:12Z")]
    [InlineData("2026-02-29T09:03:12Z")] // not a leap year
    [InlineData("2026-11-31T09:03:12Z")]
    [InlineData("2026-11-00T09:03:12Z")]
    [InlineData("2026-11-25T24:00:00Z")]
    [InlineData("2026-11-25T09:60:00Z")]
    [InlineData("2026-11-25T09:03:61Z")]
    [InlineData("0000-11-25T09:03:12Z")]
    [InlineData("2O26-11-25T09:03:12Z")]
    [InlineData("1764061392")]
    [InlineData("")]
    public void Anything_else_is_refused(string ts) =>
        Assert.False(new UtcHourParser().TryParse(Encoding.UTF8.GetBytes(ts), out _));

    [Fact]
    public void One_parser_reading_a_log_s_timestamps_in_turn_gives_each_the_hour_a_fresh_parser_gives()
    {
        // The parser remembers the last UTC hour it read; lines that share its first 13 characters
        // but not its offset, or that are refused, must not take it.
        string[] log =
        [
            "2026-11-25T09:03:12Z", "2026-11-25T09:59:59Z", "2026-11-25T09:03:12+05:30", "2026-11-25T09:10:00Z",
            "2026-11-25T09:10:00", "2026-11-25T09:61:00Z", "2026-11-25T09:10:00-01:00", "2026-11-25T10:00:00Z",
            "2026-11-25t10:00:00Z", "2026-11-25T09:00:00.000Z", "2026-11-25T10:00:00+00:00", "2026-11-25T10:30:00Z",
        ];
        var reused = new UtcHourParser();

        foreach (var ts in log)
        {
            var bytes = Encoding.UTF8.GetBytes(ts);
            var fresh = new UtcHourParser().TryParse(bytes, out var expected);
            Assert.Equal(fresh, reused.TryParse(bytes, out var hour));
            Assert.Equal(expected, hour);
        }
    }

    [Fact]
    public void Every_minute_of_a_day_in_many_offsets_agrees_with_DateTimeOffset()
    {
        var parser = new UtcHourParser();
        var start = new DateTime(2026, 12, 31, 0, 0, 0, DateTimeKind.Unspecified);
        foreach (var offset in new[] { TimeSpan.Zero, TimeSpan.FromHours(5.5), TimeSpan.FromHours(-3), TimeSpan.FromMinutes(345), TimeSpan.FromHours(14), TimeSpan.FromHours(-12) })
        {
            for (var minute = 0; minute < 24 * 60; minute += 7)
            {
                var instant = new DateTimeOffset(start.AddMinutes(minute), offset);
                var ts = instant.ToString(offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

                Assert.True(parser.TryParse(Encoding.UTF8.GetBytes(ts), out var hour), ts);

                Assert.Equal((int)Math.Floor((instant.UtcDateTime - DateTime.UnixEpoch).TotalHours), hour);
            }
        }
    }
}
