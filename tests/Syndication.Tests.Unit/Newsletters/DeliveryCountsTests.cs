using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

public sealed class DeliveryCountsTests
{
    private static readonly DateTimeOffset Delivered = new(2026, 11, 25, 1, 30, 5, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private static SendGridEvent Event(string name, TimeSpan after, bool machine = false) => new()
    {
        Event = name,
        Email = "reader@example.com",
        Timestamp = Delivered + after,
        MachineOpen = machine,
    };

    private static DeliveryCounts CountsOf(IEnumerable<SendGridEvent> events) =>
        DeliveryCounts.Of(events.Aggregate(default(RecipientDelivery), (state, e) => state.With(e)), Window);

    private static IEnumerable<List<T>> Permutations<T>(List<T> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }

    [Fact]
    public void A_readers_events_in_every_order_and_repeated_give_the_same_counts()
    {
        var events = new List<SendGridEvent>
        {
            Event("processed", TimeSpan.FromSeconds(-2)),
            Event("delivered", TimeSpan.Zero),
            Event("open", TimeSpan.FromSeconds(1), machine: true),
            Event("click", TimeSpan.FromSeconds(3)),
            Event("open", TimeSpan.FromMinutes(40)),
            Event("click", TimeSpan.FromMinutes(41)),
        };
        var expected = new DeliveryCounts { Processed = 1, Delivered = 1, MachineOpens = 1, HumanOpens = 1, HumanClicks = 1 };

        var orders = Permutations(events).ToList();

        Assert.Equal(720, orders.Count);
        Assert.All(orders, order => Assert.Equal(expected, CountsOf(order)));
        Assert.Equal(expected, CountsOf([.. events, .. events, events[3], events[5]]));
    }

    [Fact]
    public void Clicks_only_within_seconds_of_delivery_are_a_scanners_even_when_the_clicks_arrive_before_the_delivery()
    {
        var clicks = new List<SendGridEvent> { Event("click", TimeSpan.FromSeconds(2)), Event("click", TimeSpan.FromSeconds(9)) };

        var clicksFirst = default(RecipientDelivery).With(clicks[0]).With(clicks[1]);
        var thenDelivered = clicksFirst.With(Event("delivered", TimeSpan.Zero));

        // Before the delivery is known nothing shows a scanner: counted as a reader, then moved when it comes.
        Assert.Equal(1, DeliveryCounts.Of(clicksFirst, Window).HumanClicks);
        Assert.Equal(new DeliveryCounts { Delivered = 1, ScannerClicks = 1 }, DeliveryCounts.Of(thenDelivered, Window));
        Assert.Equal(new DeliveryCounts { Delivered = 1, HumanClicks = 1 }, DeliveryCounts.Of(thenDelivered.With(Event("click", TimeSpan.FromSeconds(11))), Window));
    }

    [Theory]
    [InlineData(0, 1000, "ok")]
    [InlineData(1, 1000, "ok")]
    [InlineData(2, 1000, "warning")]
    [InlineData(3, 1000, "over-limit")]
    [InlineData(0, 0, "none")]
    public void The_spam_rate_is_read_against_Gmails_lines(long spam, long delivered, string level)
    {
        var rates = DeliveryRates.Of(new DeliveryCounts { Processed = delivered, Delivered = delivered, SpamReports = spam });

        Assert.Equal(level, rates.SpamLevel);
    }
}
