using System.Text;
using Syndication.Core.Ingestion.Feeds;

namespace Syndication.Tests.Ingestion.Feeds;

public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Wednesday9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Floor = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Ceiling = TimeSpan.FromHours(2);

    [Fact]
    public void The_reader_keeps_ttl_skip_hours_and_skip_days_and_drops_what_is_not_an_hour_or_a_day()
    {
        var feed = FeedReader.Read(Encoding.UTF8.GetBytes("""
            <rss version="2.0"><channel><title>t</title><ttl> 30 </ttl>
              <skipHours><hour>0</hour><hour>23</hour><hour>24</hour><hour>x</hour><hour>0</hour><note>1</note></skipHours>
              <skipDays><day>Saturday</day><day>sunday</day><day>Someday</day><day>3</day></skipDays>
            </channel></rss>
            """));

        Assert.Equal(30, feed.TtlMinutes);
        Assert.Equal([0, 23], feed.SkipHours);
        Assert.Equal([DayOfWeek.Saturday, DayOfWeek.Sunday], feed.SkipDays);
    }

    [Fact]
    public void A_skip_list_covering_every_hour_is_taken_for_a_mistake_and_the_ceiling_bounds_any_skip()
    {
        var everyHour = new PollHints(null, null, [.. Enumerable.Range(0, 24)], []);
        var allWeek = new PollHints(null, null, [], Enum.GetValues<DayOfWeek>());
        var restOfToday = new PollHints(null, null, [.. Enumerable.Range(9, 15)], []);

        Assert.Equal(Wednesday9 + Floor, PollSchedule.Next(Wednesday9, everyHour, Floor, Ceiling));
        Assert.Equal(Wednesday9 + Floor, PollSchedule.Next(Wednesday9, allWeek, Floor, Ceiling));
        Assert.Equal(Wednesday9 + Ceiling, PollSchedule.Next(Wednesday9, restOfToday, Floor, Ceiling));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), PollSchedule.Next(Wednesday9, restOfToday, Floor, TimeSpan.FromDays(1)));
    }
}
