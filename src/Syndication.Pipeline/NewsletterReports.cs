using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Newsletters;

namespace Syndication.Pipeline;

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

    /// <summary>
    /// The reports as JSON for scripts and dashboards (<c>newsletter report --json</c>): per issue the
    /// counts, the rates (fractions, null without deliveries), the spam level against Gmail's lines
    /// and, while a cap holds it back, until when.
    /// </summary>
    public static string ToJson(IReadOnlyList<DeliveryReport> reports, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var document = new
        {
            generatedAt,
            gmailSpamLines = new { warning = DeliveryRates.SpamWarning, limit = DeliveryRates.SpamLimit },
            issues = reports.Select(r => new
            {
                kind = r.Kind,
                key = r.Key,
                edition = r.Edition,
                started = r.Started,
                finished = r.Finished,
                sent = r.Sent,
                failed = r.Failed,
                processed = r.Counts.Processed,
                delivered = r.Counts.Delivered,
                deferred = r.Counts.Deferred,
                bounced = r.Counts.Bounced,
                dropped = r.Counts.Dropped,
                spamReports = r.Counts.SpamReports,
                unsubscribes = r.Counts.Unsubscribes,
                uniqueOpens = r.Counts.HumanOpens,
                machineOpens = r.Counts.MachineOpens,
                uniqueClicks = r.Counts.HumanClicks,
                scannerClicks = r.Counts.ScannerClicks,
                rates = new { delivered = r.Rates.Delivered, open = r.Rates.Open, click = r.Rates.Click, spam = r.Rates.Spam },
                spamLevel = r.SpamLevel,
                throttledUntil = r.ThrottledUntil,
                throttleReason = r.ThrottleReason,
            }),
        };
        return JsonSerializer.Serialize(document, Json);
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private static string EditionOf(string issueKey) => issueKey.Split('/')[0];
}
