// Long on purpose: sending an issue is one protocol (lease, plan, ledger batches, opt-out re-checks,
// caps and pacing, retries, reports) whose steps share the issue's state; digests and alerts both
// go through it, and splitting it would scatter the exactly-once argument over files.
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Feeds;
using Syndication.Core.Newsletters;

using Syndication.Pipeline.Operations;

namespace Syndication.Pipeline;

/// <summary>
/// Newsletter stage: for each edition and cadence whose local send time has come (SendSchedule,
/// the edition's IANA zone), builds the issue (the edition's newest stories, its trending list),
/// archives it as a web page in <c>newsletters/</c>, and sends it to the edition's confirmed,
/// unsuppressed subscribers exactly once: every batch's recipients are in the ledger before the
/// batch goes out, opt-outs are re-checked right before each batch, and a re-run (after a crash,
/// a cancellation or a transient failure) sends only to those no batch reached.
/// </summary>
public sealed class NewsletterStage(
    StorageAccount account,
    ArticleIndex index,
    NewsletterArchive archive,
    TrendingDocumentStore trending,
    SubscriberStore subscribers,
    SendLedger ledger,
    SendQuota quota,
    IMailTransport transport,
    DigestRenderer renderer,
    SubscriberTokens tokens,
    PublicationCatalog catalog,
    IOptions<NewsletterOptions> options,
    TimeProvider time,
    StageRunRecorder runs,
    ILogger<NewsletterStage> logger)
{
    /// <summary>Changes this long before a run started are re-checked too, against clocks slightly apart.</summary>
    private static readonly TimeSpan ChangeMargin = TimeSpan.FromMinutes(1);

    /// <summary>How long after its date a throttled issue is still resumed.</summary>
    private const int ThrottledIssueDays = 7;

    /// <summary>The warm-up's first day once read (it never changes once recorded).</summary>
    private DateOnly? _warmupStart;

    public IMailTransport Transport => transport;

    /// <summary>
    /// Resumes the issues a sending cap stopped once the cap has lifted, then sends every issue that
    /// is due now. With nothing due and nothing throttled it costs one storage request (the list of
    /// throttled issues).
    /// </summary>
    public async Task<IReadOnlyList<IssueReport>> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reports = new List<IssueReport>();
        foreach (var throttled in await ledger.ThrottledAsync(cancellationToken))
        {
            // A throttled issue resumes on a later day too, unlike one a stopped timer missed: its readers are half served.
            // Not for ever: one that still has not finished after a week (SendGrid failing all along) is left to the runbook.
            if (throttled.LocalDate < DateOnly.FromDateTime(now.UtcDateTime).AddDays(-ThrottledIssueDays))
            {
                logger.LogWarning("Newsletter {IssueKey} was throttled and is still unfinished after {Days} days; it is not resumed any more", throttled.IssueKey, ThrottledIssueDays);
                await ledger.SetThrottledAsync(throttled with { Until = null }, cancellationToken);
                continue;
            }

            if (throttled.Until > now || catalog.FindEdition(throttled.Edition) is not { } held
                || !Enum.TryParse<NewsletterCadence>(throttled.Cadence, ignoreCase: true, out var heldCadence) || cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            reports.Add(await SendIssueAsync(held, heldCadence, throttled.LocalDate, dryRun: false, cancellationToken));
        }

        foreach (var edition in catalog.Editions)
        {
            foreach (var cadence in Enum.GetValues<NewsletterCadence>())
            {
                var schedule = Schedule(edition, cadence);
                if (!schedule.Evaluate(now, null).Due)
                {
                    continue;
                }

                await account.EnsureLayoutAsync(cancellationToken);
                var decision = schedule.Evaluate(now, await ledger.LastIssueAsync(ScheduleKey(edition, cadence), cancellationToken));
                if (decision.Due && !cancellationToken.IsCancellationRequested && !reports.Any(r => r.IssueKey == decision.IssueKey))
                {
                    reports.Add(await SendIssueAsync(edition, cadence, decision.LocalDate, dryRun: false, cancellationToken));
                }
            }
        }

        return reports;
    }

    public SendSchedule Schedule(Edition edition, NewsletterCadence cadence) =>
        new(edition, options.Value.SendAtTime, cadence, options.Value.WeeklyOn);

    /// <summary>
    /// The local date of an edition's current issue, whatever the hour: today in the edition's zone,
    /// for a weekly issue the last send day on or before today. What an operator's send without a
    /// date sends (<c>newsletter send</c>, <c>run</c>).
    /// </summary>
    public DateOnly CurrentIssueDate(Edition edition, NewsletterCadence cadence)
    {
        var schedule = Schedule(edition, cadence);
        var today = SendSchedule.LocalDate(time.GetUtcNow(), schedule.Zone);
        while (cadence == NewsletterCadence.Weekly && today.DayOfWeek != schedule.WeeklyOn)
        {
            today = today.AddDays(-1);
        }

        return today;
    }

    /// <summary>
    /// The issue of an edition for a local date: its newest stories (of the last two days for a
    /// daily, eight for a weekly issue; the newest at all when there are none that recent) and its
    /// trending list, when the trending stage has written one.
    /// </summary>
    public async Task<DigestIssue> BuildIssueAsync(Edition edition, NewsletterCadence cadence, DateOnly localDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var schedule = Schedule(edition, cadence);
        var issueKey = schedule.IssueKey(localDate);
        var at = schedule.ScheduledInstant(localDate);
        var window = cadence == NewsletterCadence.Weekly ? TimeSpan.FromDays(8) : TimeSpan.FromDays(2);
        var newest = await index.NewestAsync(FeedScopes.Edition(edition.Id), Math.Min(100, options.Value.MaxStories * 5), cancellationToken);
        var recent = newest.Where(e => e.Created > at - window && e.Created <= at + TimeSpan.FromDays(1)).ToList();
        var chosen = recent.Count > 0 ? recent : newest;

        // A kill (or a new embargo) ingested since the last feed build is not in the index's view yet:
        // the stories are checked against what was last ingested (NewsroomRules, at ingest).
        var trending = await TrendingAsync(edition.Id, cancellationToken);
        var withdrawn = await index.WithdrawnAmongAsync([.. chosen.Select(e => e.Id), .. trending.Select(t => t.ArticleId).OfType<string>()], time.GetUtcNow(), cancellationToken);
        var stories = chosen.Where(e => !withdrawn.Contains(e.Id)).Select(DigestStory.From).ToList();
        return new DigestIssue
        {
            Edition = edition,
            IssueKey = issueKey,
            LocalDate = localDate,
            Cadence = cadence,
            ArchiveUrl = new NewsletterLinks(options.Value).Archive(issueKey),
            Stories = stories,
            Trending = [.. trending.Where(t => t.ArticleId is null || !withdrawn.Contains(t.ArticleId))],
        };
    }

    /// <summary>Sends (or with <paramref name="dryRun"/> counts) an issue; safe to call again for the same issue.</summary>
    public async Task<IssueReport> SendIssueAsync(Edition edition, NewsletterCadence cadence, DateOnly localDate, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edition);
        await account.EnsureLayoutAsync(cancellationToken);
        return await SendIssueAsync(await BuildIssueAsync(edition, cadence, localDate, cancellationToken), dryRun, cancellationToken);
    }

    /// <summary>
    /// Sends (or counts) an issue already built: a digest, or a breaking-news alert
    /// (<see cref="DigestIssue.IsAlert"/>: its edition's readers who opted in to alerts, each with a
    /// link that stops alerts only), under the same lease, ledger and re-checks.
    /// </summary>
    public async Task<IssueReport> SendIssueAsync(DigestIssue issue, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issue);
        await account.EnsureLayoutAsync(cancellationToken);
        var session = renderer.ForIssue(issue);
        var report = new RunCounts();
        var started = time.GetUtcNow();

        if (issue.Stories.Count == 0)
        {
            // No email beats an empty one; the next timer tries again, and articles may have come.
            report.Failures.Add($"{issue.IssueKey}: the edition has no stories in the index yet; nothing was sent.");
            logger.LogWarning("Newsletter {IssueKey}: no stories in the index, nothing sent", issue.IssueKey);
            return Report(issue, report, dryRun, finished: false, session);
        }

        if (dryRun)
        {
            return await SendAsync(issue, session, report, started, dryRun, cancellationToken);
        }

        if (Refusal() is { } refusal)
        {
            report.Failures.Add($"{issue.IssueKey}: not sent: {refusal}");
            logger.LogError("Newsletter {IssueKey} refused: {Refusal}", issue.IssueKey, refusal);
            return Report(issue, report, dryRun, finished: false, session) with { Refused = true };
        }

        // One run at a time per issue (the timer and an editor's `newsletter send` may start together):
        // two runs reading the same ledger would both send to whoever neither had listed yet.
        // A lease left by a run that died lapses within RunLease.Duration: wait that long for it.
        await using var lease = await RunLease.TryAcquireAsync(account, StorageNames.NewslettersContainer, $"sending/{issue.IssueKey}.lease", RunLease.Duration + TimeSpan.FromSeconds(5), cancellationToken);
        if (lease is null)
        {
            report.Failures.Add($"{issue.IssueKey}: another run is sending this issue (it holds the issue's lease); this run sent nothing.");
            logger.LogWarning("Newsletter {IssueKey}: another run is sending it; this run sent nothing", issue.IssueKey);
            return Report(issue, report, dryRun, finished: false, session);
        }

        // Should the lease be lost (storage unreachable for a minute), stop between batches as on a cancellation.
        using var held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        return await SendAsync(issue, session, report, started, dryRun, held.Token);
    }

    private async Task<IssueReport> SendAsync(DigestIssue issue, DigestIssueRenderer session, RunCounts report, DateTimeOffset started, bool dryRun, CancellationToken cancellationToken)
    {
        LedgerIssue? existing = null;
        if (!dryRun)
        {
            existing = await ledger.GetIssueAsync(issue.IssueKey, cancellationToken);
            if (existing is { Finished: null, ThrottledUntil: { } until } && until > time.GetUtcNow())
            {
                // A cap holds the rest back: nothing to do before it lifts (the timer comes back every few minutes).
                report.ThrottledUntil = until;
                report.ThrottleReason = existing.ThrottleReason;
                return Report(issue, report, dryRun, finished: false, session);
            }

            await ArchiveAsync(issue, session, cancellationToken);
            if (existing?.Finished is not null)
            {
                return Report(issue, report, dryRun, finished: true, session);
            }

            if (existing is null || existing.ThrottledUntil is not null)
            {
                await ledger.SaveIssueAsync(new LedgerIssue(issue.IssueKey, existing?.Started ?? started, null), cancellationToken);
            }
        }

        // A batch whose request was in flight when a run died may have gone out: it is uncertain, never resent.
        // This run found it, so this run reports it (as uncertain, with why), not as sent before.
        var batches = await ledger.BatchesAsync(issue.IssueKey, cancellationToken);
        var orphans = new HashSet<int>();
        foreach (var orphan in batches.Where(b => b.State == BatchState.Sending))
        {
            orphans.Add(orphan.Number);
            const string reason = "The run stopped while the request was in flight; SendGrid may have accepted it, so it is not resent.";
            await ledger.SetBatchAsync(issue.IssueKey, orphan with { State = BatchState.Uncertain, Reason = reason }, CancellationToken.None);

            report.Uncertain += orphan.Recipients;
            report.Failures.Add($"{SendLedger.BatchRow(orphan.Number)}: {reason}");
            logger.LogWarning("Newsletter {IssueKey} batch {Batch} is uncertain: {Reason}", issue.IssueKey, SendLedger.BatchRow(orphan.Number), reason);
        }

        // Recipients of these batches are done with; everyone else listed (new, or in a batch that never went) is sent now.
        var handled = batches.Where(b => b.State is BatchState.Sent or BatchState.Uncertain or BatchState.Failed or BatchState.Sending).Select(b => b.Number).ToHashSet();
        report.NextBatch = batches.Count == 0 ? 1 : batches.Max(b => b.Number) + 1;

        try
        {
            await MergeAndSendAsync(issue, session, handled, orphans, started, dryRun, report, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled between batches: what went is in the ledger, and the next run sends the rest.
        }

        var finished = !dryRun && !cancellationToken.IsCancellationRequested && report.Retry == 0 && report.ThrottledUntil is null;
        if (!dryRun && report.ThrottledUntil is { } throttledUntil)
        {
            await ledger.SaveIssueAsync(new LedgerIssue(issue.IssueKey, existing?.Started ?? started, null) { ThrottledUntil = throttledUntil, ThrottleReason = report.ThrottleReason }, CancellationToken.None);
            await ledger.SetThrottledAsync(new ThrottledIssue(issue.IssueKey, issue.Edition.Id, issue.Cadence.ToString(), issue.LocalDate, throttledUntil, report.ThrottleReason), CancellationToken.None);
            logger.LogWarning("Newsletter {IssueKey} throttled until {Until}: {Reason}", issue.IssueKey, throttledUntil, report.ThrottleReason);
        }

        if (finished)
        {
            await ledger.SaveIssueAsync(new LedgerIssue(issue.IssueKey, existing?.Started ?? started, time.GetUtcNow()), CancellationToken.None);
            if (!issue.IsAlert)
            {
                await ledger.SetLastIssueAsync(ScheduleKey(issue.Edition, issue.Cadence), issue.IssueKey, CancellationToken.None);
            }

            if (existing?.ThrottledUntil is not null)
            {
                await ledger.SetThrottledAsync(new ThrottledIssue(issue.IssueKey, issue.Edition.Id, issue.Cadence.ToString(), issue.LocalDate, null, null), CancellationToken.None);
            }
        }

        logger.LogInformation(
            "Newsletter {IssueKey}: {Sent} sent, {Uncertain} uncertain, {Failed} failed, {Retry} to retry, {OptedOut} opted out during the run, {AlreadyHandled} handled before",
            issue.IssueKey, report.Sent, report.Uncertain, report.Failed, report.Retry, report.OptedOut, report.AlreadyHandled);
        return Report(issue, report, dryRun, finished, session);
    }

    /// <summary>
    /// Streams the edition's mailable subscribers (a page in memory), passes over those the ledger's
    /// batches already handled (none on an issue's first run), gathers the rest into batches per
    /// sector selection and sends each full one.
    /// </summary>
    /// <param name="orphans">Batches this run found in flight from a run that died: reported as uncertain, so not counted again as handled before.</param>
    private async Task MergeAndSendAsync(DigestIssue issue, DigestIssueRenderer session, HashSet<int> handled, HashSet<int> orphans, DateTimeOffset started, bool dryRun, RunCounts report, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var buffers = new Dictionary<string, List<Subscriber>>(StringComparer.Ordinal);
        var planned = await ledger.PlannedAsync(issue.IssueKey, cancellationToken);
        var readers = issue.IsAlert ? subscribers.ListAlertableAsync(issue.Edition.Id, cancellationToken) : subscribers.ListMailableAsync(issue.Edition.Id, issue.Cadence, cancellationToken);
        await foreach (var subscriber in readers)
        {
            if (report.ThrottledUntil is not null)
            {
                break;
            }

            if (planned.TryGetValue(subscriber.Id, out var batch) && handled.Contains(batch))
            {
                if (!orphans.Contains(batch))
                {
                    report.AlreadyHandled++;
                }

                continue;
            }

            // An alert is one story for everyone who asked for alerts: one variant, whatever their sectors.
            var variant = issue.IsAlert ? "" : renderer.SectorKey(subscriber.Sectors);
            if (!buffers.TryGetValue(variant, out var buffer))
            {
                buffers[variant] = buffer = new List<Subscriber>(settings.BatchSize);
            }

            buffer.Add(subscriber);
            if (buffer.Count == settings.BatchSize)
            {
                if (cancellationToken.IsCancellationRequested || report.ThrottledUntil is not null)
                {
                    break;
                }

                await SendBatchAsync(issue, session, buffer, started, dryRun, report, cancellationToken);
                buffer.Clear();
            }
        }

        foreach (var buffer in buffers.Values.Where(b => b.Count > 0))
        {
            if (cancellationToken.IsCancellationRequested || report.ThrottledUntil is not null)
            {
                break;
            }

            await SendBatchAsync(issue, session, buffer, started, dryRun, report, cancellationToken);
        }
    }

    private async Task SendBatchAsync(DigestIssue issue, DigestIssueRenderer session, List<Subscriber> buffer, DateTimeOffset runStarted, bool dryRun, RunCounts report, CancellationToken cancellationToken)
    {
        // Right before the batch, as for opt-outs: a story killed (or embargoed again) since the issue
        // was built leaves the issue, and this batch and the rest go without it.
        (issue, session) = await WithoutWithdrawnAsync(report.Revised ?? (issue, session), dryRun, report, cancellationToken);
        if (issue.Stories.Count == 0)
        {
            report.Failures.Add($"{issue.IssueKey}: every story of the issue was withdrawn during the send; {buffer.Count} recipients were not sent it.");
            return;
        }

        // Right before the batch: whoever unsubscribed, was suppressed or moved since the run began is checked again.
        var changed = await subscribers.ChangedSinceAsync(runStarted - ChangeMargin, cancellationToken);
        var recipients = new List<Subscriber>(buffer.Count);
        foreach (var subscriber in buffer)
        {
            if (changed.Contains(subscriber.Id))
            {
                var fresh = await subscribers.GetAsync(subscriber.Id, cancellationToken);
                if (fresh is null || !fresh.IsMailable || fresh.Edition != issue.Edition.Id || (issue.IsAlert ? !fresh.Alerts : fresh.Cadence != issue.Cadence))
                {
                    report.OptedOut++;
                    continue;
                }
            }

            recipients.Add(subscriber);
        }

        if (recipients.Count == 0)
        {
            return;
        }

        if (dryRun)
        {
            report.Planned += recipients.Count;
            return;
        }

        if (report.Pause is { } pause)
        {
            await Task.Delay(pause, TimeProvider.System, cancellationToken); // real time, as the transport's waits
        }

        var grant = await ReserveAsync(recipients.Count, report, cancellationToken);
        if (grant is not null && grant.Granted < recipients.Count)
        {
            recipients = recipients[..grant.Granted];
            if (recipients.Count == 0)
            {
                return;
            }
        }

        report.Planned += recipients.Count;
        await DispatchAsync(issue, session, report.NextBatch++, recipients, grant, report, cancellationToken);
    }

    /// <summary>
    /// Reserves the batch's emails against the hourly, daily and warm-up caps (SendGrid only: the
    /// outbox has no reputation to keep). Granted fewer, the run is throttled: it sends what it got
    /// and stops, noting when the caps lift.
    /// </summary>
    private async Task<QuotaGrant?> ReserveAsync(int wanted, RunCounts report, CancellationToken cancellationToken)
    {
        if (transport is not SendGridTransport)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var settings = options.Value;
        var limits = SendingLimits.From(settings);
        var start = _warmupStart ??= await quota.WarmupStartAsync(settings.WarmupStart, now, cancellationToken);
        var grant = await quota.ReserveAsync(now, wanted, (hour, day) => limits.Allowance(start, now, hour, day), cancellationToken);
        if (grant.Granted < wanted)
        {
            // What holds the rest back now that this reservation is counted, and until when.
            var (hour, day) = await quota.SentAsync(now, cancellationToken);
            var after = limits.Allowance(start, now, hour, day);
            report.ThrottledUntil = after.Until ?? grant.Allowance.Until ?? now.AddHours(1);
            report.ThrottleReason = after.Reason ?? grant.Allowance.Reason;
        }

        return grant;
    }

    /// <summary>A 429, or 5xx again and again, slows the rest of the run: a pause between batches that doubles each time SendGrid pushes back.</summary>
    private void Pace(SendResult result, RunCounts report)
    {
        var settings = options.Value;
        var floor = TimeSpan.FromMilliseconds(settings.RetryBackoffMilliseconds);
        string why;
        if (result.TooManyRequests > 0)
        {
            floor = result.RetryAfter is { } retryAfter && retryAfter > floor ? retryAfter : floor;
            why = $"SendGrid answered 429 (too many requests) {result.TooManyRequests} time(s)";
        }
        else if (result.ServerErrors >= 2)
        {
            why = $"SendGrid answered 5xx {result.ServerErrors} times for one batch";
        }
        else
        {
            return;
        }

        var doubled = report.Pause is { } current ? current * 2 : floor;
        var pause = doubled > floor ? doubled : floor;
        var ceiling = TimeSpan.FromSeconds(settings.MaxRetryAfterSeconds);
        report.Pause = pause > ceiling ? ceiling : pause;
        report.PaceReason = $"{why}: the rest of the run pauses {report.Pause.Value.TotalSeconds:0.###} s between batches";
        logger.LogWarning("Newsletter send slowed down: {PaceReason}", report.PaceReason);
    }

    /// <summary>Why a real send through SendGrid may not start: what the law and the inbox providers require and the configuration lacks.</summary>
    private string? Refusal()
    {
        if (transport is not SendGridTransport)
        {
            return null;
        }

        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.PostalAddress))
        {
            return "Syndication:Newsletter:PostalAddress is empty; CAN-SPAM requires a valid physical postal address in every commercial email.";
        }

        return settings.AuthenticatedDomainList.Contains(settings.FromDomain, StringComparer.Ordinal)
            ? null
            : $"the From domain {settings.FromDomain} is not listed in Syndication:Newsletter:AuthenticatedDomains; authenticate it in SendGrid (DKIM, SPF) and publish DMARC first, as Gmail and Yahoo require of bulk senders (see the README).";
    }

    /// <summary>
    /// The issue without the stories withdrawn since it was built (one query for up to 14 stories);
    /// when any went, the issue is rendered again, its archived page rewritten, and the rest of the
    /// run sends that.
    /// </summary>
    private async Task<(DigestIssue Issue, DigestIssueRenderer Session)> WithoutWithdrawnAsync((DigestIssue Issue, DigestIssueRenderer Session) current, bool dryRun, RunCounts report, CancellationToken cancellationToken)
    {
        var withdrawn = await index.WithdrawnAmongAsync(
            [.. current.Issue.Stories.Select(s => s.Id), .. current.Issue.Trending.Select(t => t.ArticleId).OfType<string>()], time.GetUtcNow(), cancellationToken);
        if (withdrawn.Count == 0)
        {
            return current;
        }

        var issue = current.Issue with
        {
            Stories = [.. current.Issue.Stories.Where(s => !withdrawn.Contains(s.Id))],
            Trending = [.. current.Issue.Trending.Where(t => t.ArticleId is null || !withdrawn.Contains(t.ArticleId))],
        };
        var session = renderer.ForIssue(issue);
        if (!dryRun && issue.Stories.Count > 0)
        {
            await ArchiveAsync(issue, session, cancellationToken);
        }

        report.Revised = (issue, session);
        logger.LogWarning("Newsletter {IssueKey}: {Count} stories withdrawn during the send (killed or embargoed); the rest of the issue goes without them", issue.IssueKey, withdrawn.Count);
        return report.Revised.Value;
    }

    /// <summary>Records the batch in the ledger, sends it, and records the outcome; a batch too large for SendGrid goes again in halves.</summary>
    private async Task DispatchAsync(DigestIssue issue, DigestIssueRenderer session, int number, List<Subscriber> recipients, QuotaGrant? grant, RunCounts report, CancellationToken cancellationToken)
    {
        await ledger.PlanAsync(issue.IssueKey, number, recipients.Select(r => r.Id).ToList(), cancellationToken);
        var batch = renderer.Batch(
            session.Prepared(issue.IsAlert ? [] : recipients[0].Sectors),
            SendLedger.BatchRow(number),
            recipients.Select(r => new DigestRecipient
            {
                Email = EmailAddress.Parse(r.Email),
                SubscriberId = r.Id,
                Sectors = r.Sectors,
                Name = r.Name,
                UnsubscribeToken = tokens.Issue(issue.IsAlert ? TokenPurpose.UnsubscribeAlerts : TokenPurpose.Unsubscribe, r.Id),
                PreferencesToken = tokens.Issue(TokenPurpose.Preferences, r.Id),
            }).ToList());

        // From here on the outcome must be recorded whatever happens to the caller's token.
        await ledger.SetBatchAsync(issue.IssueKey, new LedgerBatch(number, BatchState.Sending, recipients.Count, null, null, 0), CancellationToken.None);
        var result = await transport.SendAsync(batch, cancellationToken);
        Pace(result, report);
        if (result.TooLarge && recipients.Count > 1)
        {
            // Nothing of it went out: this batch is done with, and its recipients go again in two new ones.
            await ledger.SetBatchAsync(issue.IssueKey, new LedgerBatch(number, BatchState.Retry, recipients.Count, null, "413: sent again in two halves", result.Attempts), CancellationToken.None);
            var half = recipients.Count / 2;
            await DispatchAsync(issue, session, report.NextBatch++, recipients[..half], grant, report, cancellationToken);
            await DispatchAsync(issue, session, report.NextBatch++, recipients[half..], grant, report, cancellationToken);
            return;
        }

        await ledger.SetBatchAsync(issue.IssueKey, new LedgerBatch(number, result.State, recipients.Count, result.MessageId, result.Reason, result.Attempts), CancellationToken.None);
        report.Batches++;
        switch (result.State)
        {
            case BatchState.Sent:
                report.Sent += recipients.Count;
                runs.Add(StageCounts.EmailsSent, recipients.Count, StageNames.Newsletter);
                break;
            case BatchState.Uncertain:
                report.Uncertain += recipients.Count;
                report.Failures.Add($"{batch.BatchId}: {result.Reason}");
                logger.LogWarning("Newsletter {IssueKey} batch {Batch} is uncertain: {Reason}", issue.IssueKey, batch.BatchId, result.Reason);
                break;
            case BatchState.Failed:
                report.Failed += recipients.Count;
                runs.Add(StageCounts.EmailsFailed, recipients.Count, StageNames.Newsletter);
                report.Failures.Add($"{batch.BatchId}: {result.Reason}");
                logger.LogError("Newsletter {IssueKey} batch {Batch} failed: {Reason}", issue.IssueKey, batch.BatchId, result.Reason);
                break;
            default:
                if (grant is not null)
                {
                    // Nothing of it went out: its emails do not count against the caps.
                    await quota.ReleaseAsync(grant, recipients.Count, CancellationToken.None);
                }

                report.Retry += recipients.Count;
                report.Failures.Add($"{batch.BatchId}: {result.Reason}");
                logger.LogWarning("Newsletter {IssueKey} batch {Batch} will be retried: {Reason}", issue.IssueKey, batch.BatchId, result.Reason);
                break;
        }
    }

    /// <summary>The issue for every sector, links pointing to the sign-up form, as <c>newsletters/{issue}.html</c>.</summary>
    private async Task ArchiveAsync(DigestIssue issue, DigestIssueRenderer session, CancellationToken cancellationToken)
    {
        var page = renderer.ArchivePage(session.Prepared([]));
        await archive.SaveAsync(issue.IssueKey, page, cancellationToken);
    }

    /// <summary>
    /// <c>feeds/trending/{edition}.json</c> from the trending stage, when it exists: its items with a
    /// link, in rank order. Absent or unreadable, the issue simply has no trending list.
    /// </summary>
    private async Task<IReadOnlyList<TrendingStory>> TrendingAsync(string edition, CancellationToken cancellationToken)
    {
        var stored = await trending.ReadAsync(edition, cancellationToken);
        if (stored is { Document: null })
        {
            logger.LogWarning("The trending list of {Edition} is not a trending document; the issue goes without it", edition);
        }

        return stored?.Document is not { } document
            ? []
            : [.. document.Items
                .Where(i => i.Url is { IsAbsoluteUri: true })
                .OrderBy(i => i.Rank)
                .Select(i => new TrendingStory(i.Headline, i.Url!, i.ArticleId))
                .Take(options.Value.MaxTrending)];
    }

    private static string ScheduleKey(Edition edition, NewsletterCadence cadence) => $"{edition.Id}-{cadence.ToString().ToLowerInvariant()}";

    private IssueReport Report(DigestIssue issue, RunCounts counts, bool dryRun, bool finished, DigestIssueRenderer session) => new()
    {
        IssueKey = issue.IssueKey,
        ArchiveUrl = issue.ArchiveUrl,
        Destination = transport.Destination,
        DryRun = dryRun,
        Planned = counts.Planned,
        Sent = counts.Sent,
        Uncertain = counts.Uncertain,
        Failed = counts.Failed,
        Retry = counts.Retry,
        OptedOutDuringRun = counts.OptedOut,
        AlreadyHandled = counts.AlreadyHandled,
        Batches = counts.Batches,
        Finished = finished,
        Failures = counts.Failures,
        Variants = session.PreparedVariants,
        ThrottledUntil = counts.ThrottledUntil,
        ThrottleReason = counts.ThrottleReason,
        Pause = counts.Pause,
        PaceReason = counts.PaceReason,
    };

    private sealed class RunCounts
    {
        public int Planned { get; set; }

        public int Sent { get; set; }

        public int Uncertain { get; set; }

        public int Failed { get; set; }

        public int Retry { get; set; }

        public int OptedOut { get; set; }

        public int AlreadyHandled { get; set; }

        public int Batches { get; set; }

        public int NextBatch { get; set; }

        /// <summary>The issue as it stands after stories were withdrawn during the run; null while none were.</summary>
        public (DigestIssue Issue, DigestIssueRenderer Session)? Revised { get; set; }

        public DateTimeOffset? ThrottledUntil { get; set; }

        public string? ThrottleReason { get; set; }

        public TimeSpan? Pause { get; set; }

        public string? PaceReason { get; set; }

        public List<string> Failures { get; } = [];
    }
}
