namespace Syndication.Core.Newsletters;

public enum SubscriberState
{
    /// <summary>Signed up, not yet confirmed: never mailed except the confirmation email.</summary>
    Pending,

    Confirmed,

    Unsubscribed,
}

/// <summary>A newsletter subscriber: one address, one edition, the sectors and cadence they chose.</summary>
public sealed record Subscriber
{
    /// <summary>The HMAC id of the address (<see cref="SubscriberIds"/>): the key of every row and token.</summary>
    public required string Id { get; init; }

    public required string Email { get; init; }

    public required string Edition { get; init; }

    /// <summary>Sector ids; none means every sector.</summary>
    public IReadOnlyList<string> Sectors { get; init; } = [];

    public NewsletterCadence Cadence { get; init; } = NewsletterCadence.Daily;

    public SubscriberState State { get; init; } = SubscriberState.Pending;

    /// <summary>
    /// Whether the reader asked for breaking-news alerts (single-story emails at once) besides their
    /// digest. Off unless chosen: at sign-up, on the preferences page or in an import's <c>alerts</c> column.
    /// </summary>
    public bool Alerts { get; init; }

    /// <summary>A copy of the suppression list's verdict, so that a send filters on the row it reads.</summary>
    public bool Suppressed { get; init; }

    public string? Name { get; init; }

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset? ConfirmedAt { get; init; }

    public DateTimeOffset? UnsubscribedAt { get; init; }

    /// <summary>Whether an issue may be sent to this subscriber now.</summary>
    public bool IsMailable => State == SubscriberState.Confirmed && !Suppressed;

    /// <summary>Whether a breaking-news alert may be sent to this subscriber now.</summary>
    public bool IsAlertable => IsMailable && Alerts;

    /// <summary>
    /// Whether a send that planned for <paramref name="before"/> must re-check them before their
    /// batch now that they are <paramref name="after"/>: they were mailable and now are not, or moved
    /// to another edition or cadence, or turned alerts off. A change that only adds mail (a new
    /// confirmation, alerts on) waits for the next send.
    /// </summary>
    public static bool LeavesPlannedSends(Subscriber before, Subscriber after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return before.IsMailable
            && (!after.IsMailable || before.Edition != after.Edition || before.Cadence != after.Cadence || (before.Alerts && !after.Alerts));
    }
}
