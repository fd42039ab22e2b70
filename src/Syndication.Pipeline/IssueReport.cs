namespace Syndication.Pipeline;

/// <summary>What one run did for one issue, and where the issue stands over all its runs.</summary>
public sealed record IssueReport
{
    public required string IssueKey { get; init; }

    public required Uri ArchiveUrl { get; init; }

    /// <summary>Where the mail went: SendGrid or the outbox.</summary>
    public required string Destination { get; init; }

    public bool DryRun { get; init; }

    /// <summary>Recipients put into batches by this run (for a dry run: who would be).</summary>
    public int Planned { get; init; }

    /// <summary>Recipients of this run's batches that SendGrid (or the outbox) accepted.</summary>
    public int Sent { get; init; }

    /// <summary>
    /// Recipients of batches whose request timed out, or that this run found still in flight from a
    /// run that died: perhaps sent, not resent, reconciled by SendGrid's events.
    /// </summary>
    public int Uncertain { get; init; }

    /// <summary>Recipients of batches refused for good (4xx), with the reasons in <see cref="Failures"/>.</summary>
    public int Failed { get; init; }

    /// <summary>Recipients of batches that could not go now (5xx or 429 after every attempt, or cancelled): the next run sends them.</summary>
    public int Retry { get; init; }

    /// <summary>Recipients dropped right before their batch because they unsubscribed or were suppressed during the run.</summary>
    public int OptedOutDuringRun { get; init; }

    /// <summary>Recipients an earlier run of this issue already handled (sent, uncertain or failed).</summary>
    public int AlreadyHandled { get; init; }

    /// <summary>Batches (1,000 recipients at most) sent by this run.</summary>
    public int Batches { get; init; }

    /// <summary>True when every batch of the issue is done and the issue will not run again.</summary>
    public bool Finished { get; init; }

    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>Sector selections rendered (each once).</summary>
    public int Variants { get; init; }

    /// <summary>Set when a sending cap (hourly, daily, warm-up) stopped the issue: when a later run sends the rest.</summary>
    public DateTimeOffset? ThrottledUntil { get; init; }

    public string? ThrottleReason { get; init; }

    /// <summary>The pause this run kept between batches once SendGrid pushed back (429, or 5xx again and again); null when it never did.</summary>
    public TimeSpan? Pause { get; init; }

    public string? PaceReason { get; init; }

    /// <summary>True when the send was refused before anything went (no postal address, or a From domain not authenticated).</summary>
    public bool Refused { get; init; }
}
