using Microsoft.Extensions.Logging;
using Syndication.Adapters.Storage;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Status;
using Syndication.Core.Trending;
using Syndication.Pipeline.Operations;

namespace Syndication.Pipeline;

/// <summary>
/// Status stage: writes <c>status/index.html</c>, the page editors and operators read to see how
/// the pipeline is doing: each stage's last run and outcome (from <c>StageRuns</c>), the last 48
/// hours' counts, ingest volume per hour, the files in <c>rejected/</c> with their reasons, and the
/// trending lists the trending stage published. The container is private: the page is read with a
/// sign-in (portal, <c>az</c>) or a short-lived read-only link (<see cref="ReadLinkAsync"/>).
/// </summary>
public sealed class StatusStage(
    StorageAccount account,
    StatusPageBlob page,
    TrendingDocumentStore trending,
    StageRunStore runs,
    DropZone dropZone,
    ArticleIndex index,
    PublicationCatalog catalog,
    NewsletterReports newsletters,
    TimeProvider clock,
    ILogger<StatusStage> logger)
{
    /// <summary>How far back the totals and charts reach.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(48);

    /// <summary>Runs read per stage at most: a day of blob-triggered ingests of a busy publisher.</summary>
    private const int MaxRunsPerStage = 20_000;

    private const int MaxRejectedShown = 50;

    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        [StageNames.Ingest] = "dropped files into articles (blob trigger and sweep)",
        [StageNames.Upstream] = "polls agency feeds",
        [StageNames.Feeds] = "writes RSS, Atom and JSON Feed",
        [StageNames.PageViews] = "counts page views",
        [StageNames.Trending] = "ranks trending stories",
        [StageNames.Newsletter] = "sends the newsletters",
        [StageNames.Alerts] = "sends breaking-news alerts",
        [StageNames.Status] = "writes this page",
    };

    /// <summary>Where the page is written.</summary>
    public StatusPageBlob PageBlob => page;

    /// <summary>Gathers the report and uploads the page; returns the report it shows.</summary>
    public async Task<StatusReport> WriteAsync(CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var report = await ReportAsync(cancellationToken);
        var html = StatusPageWriter.Write(report);
        await page.WriteAsync(html, StatusPageWriter.ContentType, cancellationToken);
        logger.LogInformation(
            "Status page written: {Stages} stages, {Rejected} rejected files, {Trending} trending lists",
            report.Stages.Count(s => s.LastRunAt is not null), report.RejectedTotal, report.Trending.Count);
        return report;
    }

    public async Task<StatusReport> ReportAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var since = now - Window;
        var stages = new List<StageStatus>();
        var ingested = new List<StageRunRecord>();
        var topScores = new List<ScorePoint>();
        foreach (var stage in StageNames.All)
        {
            var recent = await runs.NewestAsync(stage, since, MaxRunsPerStage, cancellationToken);
            var last = recent.Count > 0 ? recent[0] : (await runs.NewestAsync(stage, DateTimeOffset.MinValue, 1, cancellationToken)) is [var older, ..] ? older : null;
            var totals = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var run in recent)
            {
                foreach (var (count, value) in run.Counts)
                {
                    totals[count] = totals.GetValueOrDefault(count) + value;
                }

                if (run.Count(StageCounts.Ingested) > 0)
                {
                    ingested.Add(run);
                }

                if (run.Values.TryGetValue(StageValues.TopTrendingScore, out var score))
                {
                    topScores.Add(new ScorePoint(run.StartedAt, score));
                }
            }

            stages.Add(new StageStatus(
                stage,
                Descriptions.GetValueOrDefault(stage, ""),
                last?.StartedAt,
                last?.Duration,
                last?.Outcome.ToString(),
                last?.Detail,
                recent.Count,
                recent.Count(r => r.Outcome == StageOutcome.Failed),
                totals));
        }

        var (rejected, rejectedTotal) = await dropZone.RejectionsAsync(MaxRejectedShown, cancellationToken);
        return new StatusReport(
            catalog.Site.Name,
            now,
            Window,
            stages,
            HourlyVolume(ingested, now),
            [.. rejected.Select(r => new RejectedFile(r.File, r.Stage, r.Reason, r.Line, r.Column, r.RejectedAt))],
            rejectedTotal,
            await TrendingAsync(cancellationToken),
            topScores)
        {
            Held = [.. (await index.HeldAsync(cancellationToken)).Select(h => new HeldStory(
                h.Id, h.Headline, h.LiftsAt, EmbargoText.Describe(h.LiftsAt, catalog.Editions.Where(e => h.Editions.Contains(e.Id))), h.Origin))],
            Newsletters = await newsletters.RecentAsync(StatusPageWriter.NewsletterDays, edition: null, cancellationToken),
        };
    }

    /// <summary>A link that reads the page for <paramref name="validFor"/>, for a browser without a sign-in (<see cref="StatusPageBlob.ReadLinkAsync"/>).</summary>
    public Task<Uri> ReadLinkAsync(TimeSpan validFor, CancellationToken cancellationToken) => page.ReadLinkAsync(validFor, cancellationToken);

    /// <summary>Per hour of the window (UTC), the articles the runs that started in it ingested.</summary>
    private static List<HourlyCount> HourlyVolume(List<StageRunRecord> ingested, DateTimeOffset now)
    {
        var hours = (int)Window.TotalHours;
        var lastHour = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, now.UtcDateTime.Day, now.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        var first = lastHour.AddHours(-(hours - 1));
        var buckets = new long[hours];
        foreach (var run in ingested)
        {
            var index = (int)Math.Floor((run.StartedAt - first).TotalHours);
            if (index is >= 0 && index < hours)
            {
                buckets[index] += run.Count(StageCounts.Ingested);
            }
        }

        return [.. buckets.Select((count, i) => new HourlyCount(first.AddHours(i), count))];
    }

    /// <summary>The lists the trending stage published as <c>trending/{edition}.json</c> in the feeds container.</summary>
    private async Task<List<TrendingList>> TrendingAsync(CancellationToken cancellationToken)
    {
        var documents = new List<TrendingDocument>();
        foreach (var stored in await trending.ReadAllAsync(cancellationToken))
        {
            if (stored.Document is { } document)
            {
                documents.Add(document);
            }
            else
            {
                logger.LogWarning("Could not read {Blob} for the status page: it is not a trending document", stored.Path);
            }
        }

        // In the catalog's order, under the edition's name ("India", not "india").
        var editions = catalog.Editions.Select((e, i) => (e.Id, e.Name, Order: i)).ToDictionary(e => e.Id, StringComparer.OrdinalIgnoreCase);
        return
        [
            .. documents
                .OrderBy(d => editions.TryGetValue(d.Edition, out var e) ? e.Order : int.MaxValue)
                .ThenBy(d => d.Edition, StringComparer.Ordinal)
                .Select(d => new TrendingList(editions.TryGetValue(d.Edition, out var e) ? e.Name : d.Edition, d.ComputedAt, d.Items)),
        ];
    }
}
