namespace Syndication.Adapters.Newsletters;

/// <summary>Where a batch of an issue stands. Only <see cref="Planned"/> and <see cref="Retry"/> batches are ever sent again.</summary>
public enum BatchState
{
    /// <summary>Its recipients are recorded; no request has started.</summary>
    Planned,

    /// <summary>A request is in flight (or was, when the process died: then it counts as uncertain).</summary>
    Sending,

    /// <summary>SendGrid answered 202 (or the outbox wrote the files).</summary>
    Sent,

    /// <summary>The request timed out or the process died during it: it may or may not have gone out, so it is not resent.</summary>
    Uncertain,

    /// <summary>Refused for good (a 4xx other than 429): recorded with the reason, not resent.</summary>
    Failed,

    /// <summary>Nothing went out (5xx or 429 after every attempt, or cancelled before the request): the next run sends it.</summary>
    Retry,
}

/// <summary>One batch row of the ledger.</summary>
public sealed record LedgerBatch(int Number, BatchState State, int Recipients, string? MessageId, string? Reason, int Attempts);

/// <summary>The issue row: when the run started, and when it finished.</summary>
public sealed record LedgerIssue(string IssueKey, DateTimeOffset Started, DateTimeOffset? Finished)
{
    /// <summary>Set while a sending cap holds the rest of the issue back: when the next run may send again.</summary>
    public DateTimeOffset? ThrottledUntil { get; init; }

    public string? ThrottleReason { get; init; }
}

/// <summary>An issue a sending cap stopped: what to build again to resume it, and from when.</summary>
public sealed record ThrottledIssue(string IssueKey, string Edition, string Cadence, DateOnly LocalDate, DateTimeOffset? Until, string? Reason);

/// <summary>What merging one SendGrid event into the ledger did.</summary>
public enum DeliveryUpdate
{
    /// <summary>No recipient row for the subscriber in that issue: not one of ours, nothing counted.</summary>
    NotInLedger,

    /// <summary>The recipient's state already said as much (a repeat, a second open): nothing changed.</summary>
    Unchanged,

    /// <summary>The recipient's state changed, and the issue's counts with it.</summary>
    Counted,
}
