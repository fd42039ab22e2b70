using System.Globalization;
using Syndication.Core.Ingestion.Feeds;

namespace Syndication.Tests.Ingestion.Feeds;

public sealed class FeedDatesTests
{
    /// <summary>Dates as real feeds write them, and the UTC instant each means.</summary>
    public static TheoryData<string, string, string> Cases() => new()
    {
        // From the corpus.
        { "Sat, 07 Jan 2017 15:20:37 +0000", "2017-01-07T15:20:37Z", "Indian Express: RFC 822 as written" },
        { "07 Jan 2017 17:12:53 +0300", "2017-01-07T14:12:53Z", "Yandex: no weekday" },
        { "Sat, 7 Jan 2017 09:30:00 -0500", "2017-01-07T14:30:00Z", "CTV: one-digit day" },
        { "Sun, 08 Jan 2017 00:10:21 +0900", "2017-01-07T15:10:21Z", "Japan Times channel: the next day in Tokyo" },
        { "Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40Z", "UOL: Portuguese weekday and month" },
        { "03 Apr 02 1500 GMT", "2002-04-03T15:00:00Z", "Herald Sun: two-digit year, time without colon" },
        { "Sat, 07 Jan 2017 15:21:42 GMT ", "2017-01-07T15:21:42Z", "BreakingNews.ie lastBuildDate: trailing space" },
        { "Thu, 08 Jul 1999 16:20:26 GMT", "1999-07-08T16:20:26Z", "RSS 0.91 sample" },
        { "2017-01-23T21:54:55+01:00", "2017-01-23T20:54:55Z", "ORF dc:date: W3CDTF with offset" },
        { "2018-01-31T20:15:15Z", "2018-01-31T20:15:15Z", "Guardian dc:date: Z" },
        { "2016-06-03T07:38:22.001-07:00", "2016-06-03T14:38:22.001Z", "FeedBurner Atom: milliseconds" },
        { "2017-01-07T09:00:01-05:00", "2017-01-07T14:00:01Z", "The Verge Atom" },

        // The other damage feeds do.
        { "Mon, 07 Jan 2017 15:20:37 +0000", "2017-01-07T15:20:37Z", "wrong weekday (7 Jan 2017 was a Saturday): the numbers win" },
        { "Sat, 07 Jan 2017 15:20 +0000", "2017-01-07T15:20:00Z", "no seconds" },
        { "Sat, 07 Jan 17 15:20:37 GMT", "2017-01-07T15:20:37Z", "two-digit year 17" },
        { "Thu, 08 Jul 99 07:00:00 GMT", "1999-07-08T07:00:00Z", "two-digit year 99" },
        { "Sat, 07 Jan 2017 15:20:37", "2017-01-07T15:20:37Z", "no zone: UTC" },
        { "07 Jan 2017", "2017-01-07T00:00:00Z", "date alone" },
        { "Sat, 07 Jan 2017 10:00:00 EST", "2017-01-07T15:00:00Z", "EST" },
        { "Fri, 07 Jul 2017 10:00:00 EDT", "2017-07-07T14:00:00Z", "EDT" },
        { "Sat, 07 Jan 2017 10:00:00 PST", "2017-01-07T18:00:00Z", "PST" },
        { "Fri, 07 Jul 2017 10:00:00 PDT", "2017-07-07T17:00:00Z", "PDT" },
        { "Sat, 07 Jan 2017 10:00:00 UT", "2017-01-07T10:00:00Z", "UT" },
        { "Sat, 07 Jan 2017 10:00:00 Z", "2017-01-07T10:00:00Z", "Z" },
        { "Sat, 07 Jan 2017 10:00:00 gmt", "2017-01-07T10:00:00Z", "lower-case zone" },
        { "Mon, 02 Dec 2024 17:22:00 IST", "2024-12-02T11:52:00Z", "IST is India by default" },
        { "Sat, 07 Jan 2017 15:20:37 GMT+0530", "2017-01-07T09:50:37Z", "offset after GMT" },
        { "Sat, 07 Jan 2017 15:20:37 +05:30", "2017-01-07T09:50:37Z", "offset with a colon" },
        { "Saturday, January 7, 2017 3:20 PM EST", "2017-01-07T20:20:00Z", "long names, 12-hour clock" },
        { "Sat, 07 January 2017 12:05:00 AM +0000", "2017-01-07T00:05:00Z", "12 AM is midnight" },
        { "sam., 07 janv. 2017 15:20:37 +0100", "2017-01-07T14:20:37Z", "French" },
        { "Sa, 07 Mär 2017 15:20:37 +0100", "2017-03-07T14:20:37Z", "German" },
        { "Mar, 07 Mar 2017 10:00:00 +0100", "2017-03-07T09:00:00Z", "Spanish: 'Mar,' is Tuesday, the second 'Mar' March" },
        { "2017-01-07T15:20:37+05:30", "2017-01-07T09:50:37Z", "ISO 8601 in an RSS pubDate" },
        { "2017-01-07 15:20:37", "2017-01-07T15:20:37Z", "ISO with a space, no zone" },
        { "2017-01-07T15:20Z", "2017-01-07T15:20:00Z", "ISO without seconds" },
        { "2017-01-07", "2017-01-07T00:00:00Z", "ISO date alone" },
        { "2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z", "leap second" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_the_dates_feeds_write(string text, string expected, string why)
    {
        var instant = FeedDates.Parse(text);

        Assert.True(instant.HasValue, $"{why}: '{text}' was not read");
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), instant.Value);
        Assert.Equal(TimeSpan.Zero, instant.Value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("Sat, 32 Jan 2017 10:00:00 GMT")]
    [InlineData("Sat, 07 Foo 2017 10:00:00 GMT")]
    [InlineData("Sat, 07 Jan 2017 25:00:00 GMT")]
    [InlineData("Sat, 07 Jan 2017 10:00:00 XYZ")]
    [InlineData("Sat, 07 Jan 2017 10:00:00 +2500")]
    [InlineData("2017-02-30T10:00:00Z")]
    [InlineData("2017-01-07T10:00:00 nonsense")]
    public void Unreadable_dates_are_null_not_an_error(string text)
    {
        Assert.Null(FeedDates.Parse(text));
    }

    [Theory]
    [InlineData("feeds.breakingnews.ie", 1, 0)]
    [InlineData("www.irishtimes.com", 1, 0)]
    [InlineData("www.timesofisrael.com", 2, 0)]
    [InlineData("indianexpress.com", 5, 30)]
    [InlineData(null, 5, 30)]
    public void Ist_follows_the_rule_of_the_source(string? host, int hours, int minutes)
    {
        var instant = FeedDates.Parse("Mon, 02 Dec 2024 17:22:00 IST", ZoneAbbreviations.ForSource(host));

        Assert.Equal(new DateTimeOffset(2024, 12, 2, 17, 22, 0, new TimeSpan(hours, minutes, 0)), instant);
    }

    [Fact]
    public void Cst_is_us_central_unless_the_source_is_chinese()
    {
        Assert.Equal(new DateTimeOffset(2017, 1, 7, 16, 0, 0, TimeSpan.Zero), FeedDates.Parse("Sat, 07 Jan 2017 10:00:00 CST"));
        Assert.Equal(new DateTimeOffset(2017, 1, 7, 2, 0, 0, TimeSpan.Zero), FeedDates.Parse("Sat, 07 Jan 2017 10:00:00 CST", ZoneAbbreviations.ForSource("www.scmp.com")));
    }

    [Fact]
    public void A_rule_can_be_given_for_one_source_in_code()
    {
        var zones = ZoneAbbreviations.Default.With("IST", TimeSpan.FromHours(2));

        Assert.Equal(new DateTimeOffset(2024, 12, 2, 15, 22, 0, TimeSpan.Zero), FeedDates.Parse("Mon, 02 Dec 2024 17:22:00 IST", zones));
        Assert.Equal(new DateTimeOffset(2024, 12, 2, 11, 52, 0, TimeSpan.Zero), FeedDates.Parse("Mon, 02 Dec 2024 17:22:00 IST"));
    }

    [Fact]
    public void The_reader_applies_the_zone_rules_it_is_given()
    {
        var rss = """
            <rss version="2.0"><channel><title>t</title>
            <item><guid>g</guid><title>h</title><pubDate>Mon, 02 Dec 2024 17:22:00 IST</pubDate></item>
            </channel></rss>
            """u8.ToArray();

        Assert.Equal(new DateTimeOffset(2024, 12, 2, 11, 52, 0, TimeSpan.Zero), FeedReader.Read(rss).Entries[0].Published);
        Assert.Equal(new DateTimeOffset(2024, 12, 2, 16, 22, 0, TimeSpan.Zero), FeedReader.Read(rss, ZoneAbbreviations.ForSource("www.rte.ie")).Entries[0].Published);
    }
}
