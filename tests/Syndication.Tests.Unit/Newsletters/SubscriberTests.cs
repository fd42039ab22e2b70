using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

/// <summary>Who gets mail, and which changes a send already under way must see before it mails someone.</summary>
public sealed class SubscriberTests
{
    private static readonly Subscriber Reader = new()
    {
        Id = "a1",
        Email = "reader@example.com",
        Edition = "india",
        State = SubscriberState.Confirmed,
        Cadence = NewsletterCadence.Daily,
        Alerts = true,
        Created = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Only_a_confirmed_unsuppressed_reader_is_mailable_and_alertable_only_with_alerts_on()
    {
        Assert.True(Reader.IsMailable);
        Assert.True(Reader.IsAlertable);
        Assert.False((Reader with { State = SubscriberState.Pending }).IsMailable);
        Assert.False((Reader with { State = SubscriberState.Unsubscribed }).IsMailable);
        Assert.False((Reader with { Suppressed = true }).IsMailable);
        Assert.False((Reader with { Alerts = false }).IsAlertable);
    }

    [Fact]
    public void Leaving_moving_or_turning_alerts_off_is_seen_by_a_send_under_way()
    {
        Assert.True(Subscriber.LeavesPlannedSends(Reader, Reader with { State = SubscriberState.Unsubscribed }));
        Assert.True(Subscriber.LeavesPlannedSends(Reader, Reader with { Suppressed = true }));
        Assert.True(Subscriber.LeavesPlannedSends(Reader, Reader with { Edition = "us" }));
        Assert.True(Subscriber.LeavesPlannedSends(Reader, Reader with { Cadence = NewsletterCadence.Weekly }));
        Assert.True(Subscriber.LeavesPlannedSends(Reader, Reader with { Alerts = false }));
    }

    [Fact]
    public void A_change_that_only_adds_mail_or_keeps_it_waits_for_the_next_send()
    {
        var pending = Reader with { State = SubscriberState.Pending, Alerts = false };

        Assert.False(Subscriber.LeavesPlannedSends(pending, Reader));
        Assert.False(Subscriber.LeavesPlannedSends(Reader with { Alerts = false }, Reader));
        Assert.False(Subscriber.LeavesPlannedSends(Reader, Reader with { Sectors = ["business"] }));
    }
}
