namespace Syndication.Core.Newsletters;

/// <summary>What SendGrid has reported for one recipient of one issue, as flags: each says "at least once".</summary>
[Flags]
public enum DeliveryMarks
{
    None = 0,
    Processed = 1,
    Delivered = 2,
    Deferred = 4,
    Bounced = 8,
    Dropped = 16,
    SpamReport = 32,
    Unsubscribed = 64,

    /// <summary>An open with <c>sg_machine_open</c> false: a person's mail program loaded the pixel.</summary>
    HumanOpen = 128,

    /// <summary>An open with <c>sg_machine_open</c> true: Apple Mail Privacy Protection (or a similar proxy) fetched the pixel for the inbox, not a reader.</summary>
    MachineOpen = 256,

    Clicked = 512,
}

/// <summary>
/// One recipient's delivery state: the flags, when SendGrid delivered the message, and the latest
/// click. Merging an event is commutative and idempotent (flags are OR-ed, the delivery time is the
/// earliest seen, the click time the latest), so the state, and the counts drawn from it, are the
/// same whatever order SendGrid posts the events in and however often it repeats them.
/// </summary>
public readonly record struct RecipientDelivery(DeliveryMarks Flags, DateTimeOffset? DeliveredAt, DateTimeOffset? LastClickAt)
{
    /// <summary>The state with <paramref name="e"/> merged in; events that say nothing about delivery leave it as it is.</summary>
    public RecipientDelivery With(SendGridEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var flag = FlagOf(e);
        if (flag == DeliveryMarks.None)
        {
            return this;
        }

        var delivered = DeliveredAt;
        var clicked = LastClickAt;
        if (flag == DeliveryMarks.Delivered && (delivered is null || e.Timestamp < delivered))
        {
            delivered = e.Timestamp;
        }

        if (flag == DeliveryMarks.Clicked && (clicked is null || e.Timestamp > clicked))
        {
            clicked = e.Timestamp;
        }

        return new RecipientDelivery(Flags | flag, delivered, clicked);
    }

    /// <summary>The flag an event sets: <c>open</c> splits on <c>sg_machine_open</c>, <c>group_unsubscribe</c> is an unsubscribe.</summary>
    public static DeliveryMarks FlagOf(SendGridEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Event.ToLowerInvariant() switch
        {
            "processed" => DeliveryMarks.Processed,
            "delivered" => DeliveryMarks.Delivered,
            "deferred" => DeliveryMarks.Deferred,
            "bounce" => DeliveryMarks.Bounced,
            "dropped" => DeliveryMarks.Dropped,
            "spamreport" => DeliveryMarks.SpamReport,
            "unsubscribe" or "group_unsubscribe" => DeliveryMarks.Unsubscribed,
            "open" => e.MachineOpen ? DeliveryMarks.MachineOpen : DeliveryMarks.HumanOpen,
            "click" => DeliveryMarks.Clicked,
            _ => DeliveryMarks.None,
        };
    }
}

/// <summary>
/// An issue's counts of recipients, each counted once per kind whatever SendGrid repeats: how many
/// were processed, delivered, deferred at least once, bounced, dropped, reported spam, unsubscribed;
/// opened by a person (<see cref="HumanOpens"/>) and fetched by a machine (<see cref="MachineOpens"/>,
/// counted apart, as a reader can be both); clicked as a person (<see cref="HumanClicks"/>: a click
/// later than the scanner window after delivery, or with no delivery known) and clicked only within
/// seconds of delivery (<see cref="ScannerClicks"/>: a mail gateway following every link).
/// </summary>
public sealed record DeliveryCounts
{
    public long Processed { get; init; }

    public long Delivered { get; init; }

    public long Deferred { get; init; }

    public long Bounced { get; init; }

    public long Dropped { get; init; }

    public long SpamReports { get; init; }

    public long Unsubscribes { get; init; }

    public long HumanOpens { get; init; }

    public long MachineOpens { get; init; }

    public long HumanClicks { get; init; }

    public long ScannerClicks { get; init; }

    public static DeliveryCounts Zero { get; } = new();

    /// <summary>The counts one recipient's state contributes (each 0 or 1).</summary>
    /// <param name="scannerWindow">Clicks no later than this after delivery are a scanner's.</param>
    public static DeliveryCounts Of(RecipientDelivery state, TimeSpan scannerWindow)
    {
        var f = state.Flags;
        var clicked = f.HasFlag(DeliveryMarks.Clicked);

        // The latest click decides: a person's click anywhere makes the latest one later than the window.
        // Without a delivery time (not yet posted, or never) nothing shows it was a scanner.
        var scanner = clicked && state.DeliveredAt is { } delivered && state.LastClickAt is { } last && last - delivered <= scannerWindow;
        return new DeliveryCounts
        {
            Processed = One(f, DeliveryMarks.Processed),
            Delivered = One(f, DeliveryMarks.Delivered),
            Deferred = One(f, DeliveryMarks.Deferred),
            Bounced = One(f, DeliveryMarks.Bounced),
            Dropped = One(f, DeliveryMarks.Dropped),
            SpamReports = One(f, DeliveryMarks.SpamReport),
            Unsubscribes = One(f, DeliveryMarks.Unsubscribed),
            HumanOpens = One(f, DeliveryMarks.HumanOpen),
            MachineOpens = One(f, DeliveryMarks.MachineOpen),
            HumanClicks = clicked && !scanner ? 1 : 0,
            ScannerClicks = scanner ? 1 : 0,
        };
    }

    public static DeliveryCounts operator +(DeliveryCounts a, DeliveryCounts b) => Combine(a, b, 1);

    public static DeliveryCounts operator -(DeliveryCounts a, DeliveryCounts b) => Combine(a, b, -1);

    public static DeliveryCounts Add(DeliveryCounts a, DeliveryCounts b) => a + b;

    public static DeliveryCounts Subtract(DeliveryCounts a, DeliveryCounts b) => a - b;

    /// <summary>The counts by name, as they are stored and printed.</summary>
    public IReadOnlyList<(string Name, long Value)> Fields() =>
    [
        (nameof(Processed), Processed), (nameof(Delivered), Delivered), (nameof(Deferred), Deferred), (nameof(Bounced), Bounced),
        (nameof(Dropped), Dropped), (nameof(SpamReports), SpamReports), (nameof(Unsubscribes), Unsubscribes),
        (nameof(HumanOpens), HumanOpens), (nameof(MachineOpens), MachineOpens), (nameof(HumanClicks), HumanClicks), (nameof(ScannerClicks), ScannerClicks),
    ];

    /// <summary>The counts from their names (a missing name is 0).</summary>
    public static DeliveryCounts FromFields(Func<string, long> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new DeliveryCounts
        {
            Processed = value(nameof(Processed)),
            Delivered = value(nameof(Delivered)),
            Deferred = value(nameof(Deferred)),
            Bounced = value(nameof(Bounced)),
            Dropped = value(nameof(Dropped)),
            SpamReports = value(nameof(SpamReports)),
            Unsubscribes = value(nameof(Unsubscribes)),
            HumanOpens = value(nameof(HumanOpens)),
            MachineOpens = value(nameof(MachineOpens)),
            HumanClicks = value(nameof(HumanClicks)),
            ScannerClicks = value(nameof(ScannerClicks)),
        };
    }

    public bool IsZero => Fields().All(f => f.Value == 0);

    private static long One(DeliveryMarks flags, DeliveryMarks flag) => flags.HasFlag(flag) ? 1 : 0;

    private static DeliveryCounts Combine(DeliveryCounts a, DeliveryCounts b, int sign)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new DeliveryCounts
        {
            Processed = a.Processed + (sign * b.Processed),
            Delivered = a.Delivered + (sign * b.Delivered),
            Deferred = a.Deferred + (sign * b.Deferred),
            Bounced = a.Bounced + (sign * b.Bounced),
            Dropped = a.Dropped + (sign * b.Dropped),
            SpamReports = a.SpamReports + (sign * b.SpamReports),
            Unsubscribes = a.Unsubscribes + (sign * b.Unsubscribes),
            HumanOpens = a.HumanOpens + (sign * b.HumanOpens),
            MachineOpens = a.MachineOpens + (sign * b.MachineOpens),
            HumanClicks = a.HumanClicks + (sign * b.HumanClicks),
            ScannerClicks = a.ScannerClicks + (sign * b.ScannerClicks),
        };
    }
}

/// <summary>The rates editors read, each against delivered mail (as SendGrid's statistics count them); null with nothing delivered.</summary>
public sealed record DeliveryRates(double? Delivered, double? Open, double? Click, double? Spam)
{
    /// <summary>Gmail's bulk-sender guidance: keep the spam rate below 0.1%.</summary>
    public const double SpamWarning = 0.001;

    /// <summary>Gmail's bulk-sender guidance: never reach 0.3%; past it mail is filtered and mitigation is refused.</summary>
    public const double SpamLimit = 0.003;

    /// <summary>
    /// Delivered of processed (what SendGrid took), unique human opens, unique human clicks and spam
    /// reports of delivered. Machine opens and scanner clicks are left out of the open and click rates:
    /// they are the inbox's or the gateway's doing, not a reader's.
    /// </summary>
    public static DeliveryRates Of(DeliveryCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        double? Of(long part, long whole) => whole > 0 ? (double)part / whole : null;
        return new DeliveryRates(
            Of(counts.Delivered, counts.Processed),
            Of(counts.HumanOpens, counts.Delivered),
            Of(counts.HumanClicks, counts.Delivered),
            Of(counts.SpamReports, counts.Delivered));
    }

    /// <summary><c>ok</c> below 0.1%, <c>warning</c> from 0.1% and <c>over-limit</c> from 0.3%; <c>none</c> without deliveries.</summary>
    public string SpamLevel => Spam switch
    {
        null => "none",
        >= SpamLimit => "over-limit",
        > SpamWarning => "warning",
        _ => "ok",
    };
}

/// <summary>
/// The delivery report of one subject: today an issue (<c>india/2026-11-25</c>); an alert, once
/// alerts are sent, is another subject with its own ledger key, counted the same way (its
/// recipients carry the key in the <c>issue</c> custom arg).
/// </summary>
public sealed record DeliveryReport
{
    /// <summary><c>issue</c>: what was sent. Alerts will add <c>alert</c>.</summary>
    public required string Kind { get; init; }

    public required string Key { get; init; }

    public required string Edition { get; init; }

    public required DateTimeOffset Started { get; init; }

    public DateTimeOffset? Finished { get; init; }

    /// <summary>Recipients handed to SendGrid (or the outbox): batches sent, and uncertain ones (they may have gone).</summary>
    public required long Sent { get; init; }

    /// <summary>Recipients of batches SendGrid refused for good (a 4xx).</summary>
    public required long Failed { get; init; }

    public required DeliveryCounts Counts { get; init; }

    public required DeliveryRates Rates { get; init; }

    public string SpamLevel => Rates.SpamLevel;

    public DateTimeOffset? ThrottledUntil { get; init; }

    public string? ThrottleReason { get; init; }
}
