using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;

namespace Syndication.Pipeline;

/// <summary>What became of one edition's alert for one story in one run.</summary>
public enum AlertOutcome
{
    /// <summary>Sent (or resumed) by this run: see the issue report.</summary>
    Sent,

    /// <summary>Sent by an earlier run: nothing to do.</summary>
    AlreadySent,

    /// <summary>Quiet hours in the edition, held: a later run sends it.</summary>
    Held,

    /// <summary>Not sent, ever: over the day's limit, too old, dropped in quiet hours.</summary>
    Dropped,

    /// <summary>The story is killed or held by an embargo again: never sent (an embargo's lift makes it due again).</summary>
    Withdrawn,
}

/// <summary>One edition's alert for one story: what this run did and why, and the send's report when it sent.</summary>
public sealed record AlertReport(string IssueKey, string ArticleId, string Edition, AlertOutcome Outcome, string Reason, IssueReport? Send);

/// <summary>
/// Breaking-news alerts. A story flagged breaking (<see cref="Article.IsBreaking"/>: ninjs
/// <c>urgency</c> 1 or 2, front matter <c>urgency:</c>) is recorded as due by the feed build that
/// first makes it public (its first version, or its embargo's lift; never an update). This stage
/// sends each due story as a one-story issue (<see cref="DigestIssue.AlertKey"/>) to each of its
/// editions' readers who opted in to alerts, through <see cref="NewsletterStage"/>'s lease, ledger
/// and batch re-checks, so every reader gets it once; a story killed or embargoed again (as
/// <see cref="NewsroomRules"/> has it now) is never sent; quiet hours, the day's limit and an age
/// limit are <see cref="AlertRules"/>' call.
/// </summary>
public sealed class AlertStage(
    ArticleIndex index,
    ArticleStore articles,
    SendLedger ledger,
    NewsletterStage newsletters,
    PublicationCatalog catalog,
    IOptions<NewsletterOptions> options,
    TimeProvider time,
    ILogger<AlertStage> logger)
{
    private readonly AlertRules _rules = new(options.Value.Alerts);

    /// <summary>Sends every alert that is due now; with none due this costs one query.</summary>
    public async Task<IReadOnlyList<AlertReport>> SendDueAsync(CancellationToken cancellationToken)
    {
        var due = await index.DueAlertsAsync(cancellationToken);
        var reports = new List<AlertReport>();
        if (due.Count == 0)
        {
            return reports;
        }

        var withdrawn = await index.WithdrawnAmongAsync([.. due.Select(d => d.ArticleId)], time.GetUtcNow(), cancellationToken);
        foreach (var alert in due)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var done = true;
            var stored = withdrawn.Contains(alert.ArticleId) ? null : await articles.GetAsync(alert.ArticleId, cancellationToken);
            var now = time.GetUtcNow();
            foreach (var edition in alert.Editions.Select(catalog.FindEdition).OfType<Edition>())
            {
                var key = DigestIssue.AlertKey(edition.Id, alert.ArticleId);
                if (stored is null || !NewsroomRules.At(stored.Article, now).IsPublic)
                {
                    reports.Add(new AlertReport(key, alert.ArticleId, edition.Id, AlertOutcome.Withdrawn, "the story is killed or embargoed: no alert", null));
                    continue;
                }

                var report = await SendOrHoldAsync(stored.Article, edition, alert.PublicDate, byEditor: false, dryRun: false, cancellationToken);
                reports.Add(report);
                done &= report.Outcome != AlertOutcome.Held && report.Send?.Finished != false;
            }

            if (done && !cancellationToken.IsCancellationRequested)
            {
                await index.RemoveDueAlertAsync(alert.ArticleId, CancellationToken.None);
            }
        }

        return reports;
    }

    /// <summary>
    /// An editor's alert for one story (<c>newsletter alert --article ID</c>): to each of its editions,
    /// now, whatever the quiet hours, breaking flag or the story's age, but never for a killed or
    /// embargoed story, never twice, and counted against the day's limit like any alert.
    /// </summary>
    public async Task<IReadOnlyList<AlertReport>> SendAsync(string articleId, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(articleId);
        var stored = await articles.GetAsync(articleId, cancellationToken)
            ?? throw new ArgumentException($"There is no article '{articleId}' in the store.", nameof(articleId));
        var now = time.GetUtcNow();
        var state = NewsroomRules.At(stored.Article, now);
        var withdrawn = await index.WithdrawnAmongAsync([articleId], now, cancellationToken);
        var reports = new List<AlertReport>();
        foreach (var edition in stored.Article.Editions.Select(catalog.FindEdition).OfType<Edition>())
        {
            var key = DigestIssue.AlertKey(edition.Id, articleId);
            if (!state.IsPublic || withdrawn.Contains(articleId))
            {
                var why = state.Visibility == Visibility.Embargoed ? $"the story is embargoed until {state.LiftsAt:yyyy-MM-dd HH:mm} UTC: it is alerted when the embargo lifts" : "the story is killed: no alert";
                reports.Add(new AlertReport(key, articleId, edition.Id, AlertOutcome.Withdrawn, why, null));
                continue;
            }

            reports.Add(await SendOrHoldAsync(stored.Article, edition, state.PublicDate, byEditor: true, dryRun, cancellationToken));
        }

        return reports;
    }

    private async Task<AlertReport> SendOrHoldAsync(Article article, Edition edition, DateTimeOffset publishedAt, bool byEditor, bool dryRun, CancellationToken cancellationToken)
    {
        var key = DigestIssue.AlertKey(edition.Id, article.Id);
        var existing = await ledger.GetIssueAsync(key, cancellationToken);
        if (existing?.Finished is not null)
        {
            return new AlertReport(key, article.Id, edition.Id, AlertOutcome.AlreadySent, "sent before (or dropped)", null);
        }

        var now = time.GetUtcNow();
        var settings = options.Value.Alerts;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(edition.TimeZone);
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

        // An alert already under way (a run died, or SendGrid said "later") is finished whatever the hour: its first readers have it.
        if (existing is null)
        {
            var today = await ledger.AlertsOfDayAsync(edition.Id, localDate, cancellationToken);
            var decision = _rules.Decide(edition, publishedAt, now, today.Count);
            if (byEditor && decision.Verdict != AlertVerdict.Send && today.Count < settings.PerDay)
            {
                decision = decision with { Verdict = AlertVerdict.Send, Reason = "sent by an editor" };
            }

            if (decision.Verdict == AlertVerdict.Wait)
            {
                return new AlertReport(key, article.Id, edition.Id, AlertOutcome.Held, decision.Reason, null);
            }

            if (decision.Verdict == AlertVerdict.Drop || (!dryRun && !await ledger.TryCountAlertAsync(edition.Id, localDate, key, settings.PerDay, cancellationToken)))
            {
                var reason = decision.Verdict == AlertVerdict.Drop ? decision.Reason : $"{edition.Name} has had its {settings.PerDay} alerts of {localDate:yyyy-MM-dd}";
                if (!dryRun)
                {
                    // Recorded as finished with no batch, so no later run sends it.
                    await ledger.SaveIssueAsync(new LedgerIssue(key, now, now), cancellationToken);
                    logger.LogWarning("Alert {IssueKey} dropped: {Reason}", key, reason);
                }

                return new AlertReport(key, article.Id, edition.Id, AlertOutcome.Dropped, reason, null);
            }
        }

        var issue = new DigestIssue
        {
            Edition = edition,
            IssueKey = key,
            LocalDate = localDate,
            ArchiveUrl = new NewsletterLinks(options.Value).Archive(key),
            Stories = [DigestStory.From(article)],
            IsAlert = true,
        };
        var send = await newsletters.SendIssueAsync(issue, dryRun, cancellationToken);
        logger.LogInformation("Alert {IssueKey}: {Sent} sent, {Planned} planned", key, send.Sent, send.Planned);
        return new AlertReport(key, article.Id, edition.Id, AlertOutcome.Sent, byEditor ? "sent by an editor" : "due", send);
    }
}
