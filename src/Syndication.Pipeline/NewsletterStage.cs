using System.Net;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;

using Syndication.Pipeline.Operations;

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
}

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
    SubscriberStore subscribers,
    SendLedger ledger,
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

    public IMailTransport Transport => transport;

    /// <summary>Sends every issue that is due now; an issue not due costs no storage request.</summary>
    public async Task<IReadOnlyList<IssueReport>> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reports = new List<IssueReport>();
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
                if (decision.Due && !cancellationToken.IsCancellationRequested)
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
        var newest = await index.NewestAsync(ArticleIndex.EditionScope(edition.Id), Math.Min(100, options.Value.MaxStories * 5), cancellationToken);
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
        var issue = await BuildIssueAsync(edition, cadence, localDate, cancellationToken);
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

        // One run at a time per issue (the timer and an editor's `newsletter send` may start together):
        // two runs reading the same ledger would both send to whoever neither had listed yet.
        // A lease left by a run that died lapses within RunLease.Duration: wait that long for it.
        await using var lease = await RunLease.TryAcquireAsync(account.Container(StorageNames.NewslettersContainer), $"sending/{issue.IssueKey}.lease", RunLease.Duration + TimeSpan.FromSeconds(5), cancellationToken);
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
        if (!dryRun)
        {
            await ArchiveAsync(issue, session, cancellationToken);
            var existing = await ledger.GetIssueAsync(issue.IssueKey, cancellationToken);
            if (existing?.Finished is not null)
            {
                return Report(issue, report, dryRun, finished: true, session);
            }

            if (existing is null)
            {
                await ledger.SaveIssueAsync(new LedgerIssue(issue.IssueKey, started, null), cancellationToken);
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

        var finished = !dryRun && !cancellationToken.IsCancellationRequested && report.Retry == 0;
        if (finished)
        {
            await ledger.SaveIssueAsync(new LedgerIssue(issue.IssueKey, started, time.GetUtcNow()), CancellationToken.None);
            await ledger.SetLastIssueAsync(ScheduleKey(issue.Edition, issue.Cadence), issue.IssueKey, CancellationToken.None);
        }

        logger.LogInformation(
            "Newsletter {IssueKey}: {Sent} sent, {Uncertain} uncertain, {Failed} failed, {Retry} to retry, {OptedOut} opted out during the run, {AlreadyHandled} handled before",
            issue.IssueKey, report.Sent, report.Uncertain, report.Failed, report.Retry, report.OptedOut, report.AlreadyHandled);
        return Report(issue, report, dryRun, finished, session);
    }

    /// <summary>
    /// Merges the edition's mailable subscribers with the issue's ledger (both sorted by id, a page of
    /// each in memory), gathers the unsent into batches per sector selection and sends each full one.
    /// </summary>
    /// <param name="orphans">Batches this run found in flight from a run that died: reported as uncertain, so not counted again as handled before.</param>
    private async Task MergeAndSendAsync(DigestIssue issue, DigestIssueRenderer session, HashSet<int> handled, HashSet<int> orphans, DateTimeOffset started, bool dryRun, RunCounts report, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var buffers = new Dictionary<string, List<Subscriber>>(StringComparer.Ordinal);
        await using var ledgerRows = ledger.RecipientsAsync(issue.IssueKey, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var ledgerRow = await ledgerRows.MoveNextAsync() ? ledgerRows.Current : null;
        await foreach (var subscriber in subscribers.ListMailableAsync(issue.Edition.Id, issue.Cadence, cancellationToken))
        {
            // Both streams are sorted by subscriber id: a merge, with a page of each in memory.
            while (ledgerRow is not null && string.CompareOrdinal(ledgerRow.SubscriberId, subscriber.Id) < 0)
            {
                ledgerRow = await ledgerRows.MoveNextAsync() ? ledgerRows.Current : null;
            }

            if (ledgerRow is not null && ledgerRow.SubscriberId == subscriber.Id && handled.Contains(ledgerRow.Batch))
            {
                if (!orphans.Contains(ledgerRow.Batch))
                {
                    report.AlreadyHandled++;
                }

                continue;
            }

            var variant = renderer.SectorKey(subscriber.Sectors);
            if (!buffers.TryGetValue(variant, out var buffer))
            {
                buffers[variant] = buffer = new List<Subscriber>(settings.BatchSize);
            }

            buffer.Add(subscriber);
            if (buffer.Count == settings.BatchSize)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                await SendBatchAsync(issue, session, buffer, started, dryRun, report, cancellationToken);
                buffer.Clear();
            }
        }

        foreach (var buffer in buffers.Values.Where(b => b.Count > 0))
        {
            if (cancellationToken.IsCancellationRequested)
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
                if (fresh is null || !fresh.IsMailable || fresh.Edition != issue.Edition.Id || fresh.Cadence != issue.Cadence)
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

        report.Planned += recipients.Count;
        if (dryRun)
        {
            return;
        }

        await DispatchAsync(issue, session, report.NextBatch++, recipients, report, cancellationToken);
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
    private async Task DispatchAsync(DigestIssue issue, DigestIssueRenderer session, int number, List<Subscriber> recipients, RunCounts report, CancellationToken cancellationToken)
    {
        await ledger.PlanAsync(issue.IssueKey, number, recipients.Select(r => r.Id).ToList(), cancellationToken);
        var batch = renderer.Batch(
            session.Prepared(recipients[0].Sectors),
            SendLedger.BatchRow(number),
            recipients.Select(r => new DigestRecipient
            {
                Email = EmailAddress.Parse(r.Email),
                SubscriberId = r.Id,
                Sectors = r.Sectors,
                Name = r.Name,
                UnsubscribeToken = tokens.Issue(TokenPurpose.Unsubscribe, r.Id),
                PreferencesToken = tokens.Issue(TokenPurpose.Preferences, r.Id),
            }).ToList());

        // From here on the outcome must be recorded whatever happens to the caller's token.
        await ledger.SetBatchAsync(issue.IssueKey, new LedgerBatch(number, BatchState.Sending, recipients.Count, null, null, 0), CancellationToken.None);
        var result = await transport.SendAsync(batch, cancellationToken);
        if (result.TooLarge && recipients.Count > 1)
        {
            // Nothing of it went out: this batch is done with, and its recipients go again in two new ones.
            await ledger.SetBatchAsync(issue.IssueKey, new LedgerBatch(number, BatchState.Retry, recipients.Count, null, "413: sent again in two halves", result.Attempts), CancellationToken.None);
            var half = recipients.Count / 2;
            await DispatchAsync(issue, session, report.NextBatch++, recipients[..half], report, cancellationToken);
            await DispatchAsync(issue, session, report.NextBatch++, recipients[half..], report, cancellationToken);
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
        await account.Container(StorageNames.NewslettersContainer).GetBlobClient(ArchivePath(issue.IssueKey)).UploadAsync(
            BinaryData.FromString(page),
            new Azure.Storage.Blobs.Models.BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/html; charset=utf-8" } },
            cancellationToken);
    }

    public static string ArchivePath(string issueKey) => issueKey + ".html";

    /// <summary>
    /// <c>feeds/trending/{edition}.json</c> from the trending stage, when it exists: its items in rank
    /// order. Absent or unreadable, the issue simply has no trending list.
    /// </summary>
    private async Task<IReadOnlyList<TrendingStory>> TrendingAsync(string edition, CancellationToken cancellationToken)
    {
        try
        {
            var blob = await account.Feeds.GetBlobClient($"trending/{edition}.json").DownloadContentAsync(cancellationToken);
            using var document = JsonDocument.Parse(blob.Value.Content.ToMemory());
            if (!document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var list = new List<(int Rank, TrendingStory Story)>();
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("headline", out var headline) && headline.ValueKind == JsonValueKind.String
                    && item.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                    && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri))
                {
                    var rank = item.TryGetProperty("rank", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var n) ? n : int.MaxValue;
                    var id = item.TryGetProperty("articleId", out var articleId) && articleId.ValueKind == JsonValueKind.String ? articleId.GetString() : null;
                    list.Add((rank, new TrendingStory(headline.GetString()!, uri, id)));
                }
            }

            return [.. list.OrderBy(x => x.Rank).Select(x => x.Story).Take(options.Value.MaxTrending)];
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return [];
        }
        catch (JsonException ex)
        {
            logger.LogWarning("The trending list of {Edition} is not JSON ({Message}); the issue goes without it", edition, ex.Message);
            return [];
        }
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

        public List<string> Failures { get; } = [];
    }
}
