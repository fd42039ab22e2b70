using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Newsletters;

namespace Syndication.Pipeline;

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

/// <summary>Reads delivery reports from the ledger, and says when an issue's spam rate passes Gmail's 0.1% line.</summary>
public sealed class NewsletterReports(SendLedger ledger, IOptions<NewsletterOptions> options, TimeProvider time, ILogger<NewsletterReports> logger)
{
    /// <summary>The message the spam-rate alert rule matches (infra/modules/alerts.bicep).</summary>
    public const string SpamRateMessage = "Newsletter spam rate over 0.1%";

    public TimeSpan ScannerWindow => TimeSpan.FromSeconds(options.Value.ScannerClickSeconds);

    public async Task<DeliveryReport?> ReportAsync(string issueKey, CancellationToken cancellationToken)
    {
        var issue = await ledger.GetIssueAsync(issueKey, cancellationToken);
        return issue is null ? null : await ReportAsync(issue, cancellationToken);
    }

    /// <summary>The issues started in the last <paramref name="days"/> days (of one edition, when given), newest first.</summary>
    public async Task<IReadOnlyList<DeliveryReport>> RecentAsync(int days, string? edition, CancellationToken cancellationToken)
    {
        var issues = await ledger.IssuesSinceAsync(time.GetUtcNow().AddDays(-days), cancellationToken);
        var reports = new List<DeliveryReport>();
        foreach (var issue in issues.Where(i => edition is null || EditionOf(i.IssueKey) == edition))
        {
            reports.Add(await ReportAsync(issue, cancellationToken));
        }

        return reports;
    }

    /// <summary>After a spam report was counted: logs the alert's message when the issue's rate has passed 0.1%.</summary>
    public async Task CheckSpamRateAsync(string issueKey, CancellationToken cancellationToken)
    {
        var counts = await ledger.CountsAsync(issueKey, cancellationToken);
        var rates = DeliveryRates.Of(counts);
        if (rates.Spam > DeliveryRates.SpamWarning)
        {
            logger.LogError(
                SpamRateMessage + ": {IssueKey} has {SpamReports} spam reports for {Delivered} delivered ({SpamRate:P2}; Gmail's line is 0.1%, its limit 0.3%)",
                issueKey, counts.SpamReports, counts.Delivered, rates.Spam);
        }
    }

    private async Task<DeliveryReport> ReportAsync(LedgerIssue issue, CancellationToken cancellationToken)
    {
        var batches = await ledger.BatchesAsync(issue.IssueKey, cancellationToken);
        var counts = await ledger.CountsAsync(issue.IssueKey, cancellationToken);
        return new DeliveryReport
        {
            Kind = "issue",
            Key = issue.IssueKey,
            Edition = EditionOf(issue.IssueKey),
            Started = issue.Started,
            Finished = issue.Finished,
            Sent = batches.Where(b => b.State is BatchState.Sent or BatchState.Uncertain or BatchState.Sending).Sum(b => (long)b.Recipients),
            Failed = batches.Where(b => b.State == BatchState.Failed).Sum(b => (long)b.Recipients),
            Counts = counts,
            Rates = DeliveryRates.Of(counts),
            ThrottledUntil = issue.Finished is null && issue.ThrottledUntil > time.GetUtcNow() ? issue.ThrottledUntil : null,
            ThrottleReason = issue.Finished is null && issue.ThrottledUntil > time.GetUtcNow() ? issue.ThrottleReason : null,
        };
    }

    private static string EditionOf(string issueKey) => issueKey.Split('/')[0];
}
