using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Adapters.Upstream;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;
using Syndication.Core.Ingestion.Feeds;
using Syndication.Pipeline.Operations;

namespace Syndication.Pipeline;

public enum PollResult
{
    /// <summary>Not due yet: the minimum interval, a back-off or the server's Retry-After.</summary>
    Skipped,

    /// <summary>304: nothing new.</summary>
    NotModified,

    /// <summary>Fetched and read; its items were ingested.</summary>
    Fetched,

    /// <summary>No usable answer, or a document that is not a feed; backed off.</summary>
    Failed,
}

/// <summary>What one poll of one agency feed did.</summary>
public sealed record PollOutcome(string Feed, PollResult Result, IReadOnlyList<IngestOutcome> Items, string? Error, DateTimeOffset? NextPollAfter)
{
    public int Count(IngestResult result) => Items.Count(i => i.Result == result);
}

/// <summary>
/// Upstream stage: polls the configured agency feeds (conditional GET, back-off per feed, one
/// failing feed never stopping the others), keeps each fetched document in <c>archive/upstream/</c>
/// (or <c>rejected/upstream/</c> when it is not a readable feed), and ingests its items.
/// </summary>
public sealed class UpstreamStage(
    StorageAccount account,
    UpstreamFetcher fetcher,
    UpstreamStateStore states,
    IngestStage ingest,
    DropZone dropZone,
    PublicationCatalog catalog,
    IOptions<SyndicationOptions> options,
    TimeProvider clock,
    StageRunRecorder runs,
    ILogger<UpstreamStage> logger)
{
    private const int MaxFeedsAtOnce = 4;

    /// <param name="force">Poll every feed now, ignoring intervals and back-off (the CLI's choice; never the timer's).</param>
    public async Task<IReadOnlyList<PollOutcome>> PollAsync(bool force, CancellationToken cancellationToken)
    {
        var feeds = options.Value.Upstream.Configured.ToList();
        if (feeds.Count == 0)
        {
            return [];
        }

        await account.EnsureLayoutAsync(cancellationToken);
        var known = await states.ReadAllAsync(cancellationToken);
        var outcomes = new ConcurrentBag<PollOutcome>();
        await Parallel.ForEachAsync(
            feeds,
            new ParallelOptions { MaxDegreeOfParallelism = MaxFeedsAtOnce, CancellationToken = cancellationToken },
            async (feed, ct) => outcomes.Add(await PollOneAsync(feed, known.GetValueOrDefault(feed.Name), force, ct)));
        var failed = outcomes.Where(o => o.Result == PollResult.Failed).Select(o => o.Feed).Order(StringComparer.Ordinal).ToList();
        runs.Add(StageCounts.UpstreamPolled, outcomes.Count(o => o.Result != PollResult.Skipped), StageNames.Upstream);
        runs.Add(StageCounts.UpstreamFailed, failed.Count, StageNames.Upstream);
        if (failed.Count > 0)
        {
            runs.Warn($"{failed.Count} of {outcomes.Count} agency feeds failed: {string.Join(", ", failed)}");
        }

        return [.. outcomes.OrderBy(o => o.Feed, StringComparer.Ordinal)];
    }

    private async Task<PollOutcome> PollOneAsync(UpstreamFeed feed, UpstreamFeedState? state, bool force, CancellationToken cancellationToken)
    {
        var upstream = options.Value.Upstream;
        var now = clock.GetUtcNow();
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["Feed"] = feed.Name });

        // Validators belong to a URL: a feed whose URL changed in configuration starts afresh.
        state = state is not null && state.Url == feed.Url ? state : new UpstreamFeedState(feed.Name) { Url = feed.Url };
        if (!force && state.NextPollAfter is { } due && due > now)
        {
            return new PollOutcome(feed.Name, PollResult.Skipped, [], null, due);
        }

        var url = new Uri(feed.Url);
        PollOutcome outcome;
        try
        {
            var fetched = await fetcher.FetchAsync(url, state.ETag, state.LastModified, cancellationToken);
            (state, outcome) = fetched switch
            {
                FetchResult.NotModified notModified => Succeeded(
                    state with { LastStatus = 304, Hints = state.Hints with { FreshFor = notModified.FreshFor ?? state.Hints.FreshFor } }, PollResult.NotModified, []),
                FetchResult.Failed failed => Failed(state, failed.Reason, failed.Status, failed.RetryAfter),
                FetchResult.Fetched document => await ReadAndIngestAsync(feed, state, document, cancellationToken),
                _ => throw new InvalidOperationException("Unknown fetch result."),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One feed's trouble is recorded and backed off; the others are polled all the same.
            logger.LogError(ex, "Polling {Feed} failed", feed.Name);
            (state, outcome) = Failed(state, $"Unexpected error: {ex.Message}", null, null);
        }

        await states.WriteAsync(state, cancellationToken);
        return outcome;

        (UpstreamFeedState, PollOutcome) Succeeded(UpstreamFeedState s, PollResult result, IReadOnlyList<IngestOutcome> items)
        {
            // As soon as the server's freshness and the feed's ttl allow, out of its skipped hours, between the floor and the ceiling.
            var next = PollSchedule.Next(now, s.Hints, TimeSpan.FromMinutes(upstream.MinIntervalMinutes), TimeSpan.FromMinutes(upstream.MaxIntervalMinutes));
            return (s with { LastPolled = now, ConsecutiveFailures = 0, LastError = null, NextPollAfter = next }, new PollOutcome(feed.Name, result, items, null, next));
        }

        (UpstreamFeedState, PollOutcome) Failed(UpstreamFeedState s, string reason, int? status, TimeSpan? retryAfter)
        {
            var failures = s.ConsecutiveFailures + 1;
            var backoff = TimeSpan.FromMinutes(Math.Min(upstream.MaxBackoffMinutes, upstream.MinIntervalMinutes * Math.Pow(2, failures - 1)));
            var wait = retryAfter is { } asked && asked > backoff ? TimeSpan.FromMinutes(Math.Min(asked.TotalMinutes, 24 * 60)) : backoff;
            var next = now + wait;
            logger.LogWarning("Feed {Feed} failed ({Failures} in a row): {Reason}; next poll after {Next}", feed.Name, failures, reason, next);
            return (s with { LastPolled = now, ConsecutiveFailures = failures, LastError = reason, LastStatus = status, NextPollAfter = next }, new PollOutcome(feed.Name, PollResult.Failed, [], reason, next));
        }

        async Task<(UpstreamFeedState, PollOutcome)> ReadAndIngestAsync(UpstreamFeed source, UpstreamFeedState s, FetchResult.Fetched document, CancellationToken ct)
        {
            var name = $"upstream/{source.Name}/{now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}{Extension(document)}";
            var original = DroppedFile.Local(name, BinaryData.FromBytes(document.Body));
            ParsedFeed parsed;
            try
            {
                parsed = InputGuard.Run(() => FeedReader.Read(document.Body, ZoneAbbreviations.ForSource(document.FinalUrl.Host)));
            }
            catch (RejectedInputException ex)
            {
                await dropZone.RejectAsync(original, Rejection.Of(ex, name, "upstream", now, document.Body.Length), ct);
                runs.Add(StageCounts.Rejected, stage: StageNames.Upstream);
                return Failed(s, $"Not a readable feed: {ex.Message}", 200, null);
            }

            await dropZone.ArchiveAsync(original, ct);
            var sourceFeeds = FeedsOfSource(source);
            var items = new List<IngestOutcome>(parsed.Entries.Count);
            foreach (var entry in parsed.Entries)
            {
                var origin = $"{source.Name}: {entry.Link ?? entry.Id ?? entry.Title}";
                try
                {
                    var draft = InputGuard.Run(() => Draft(source, entry.ToDraft(parsed), entry));
                    items.Add(await ingest.IngestDraftAsync(draft, origin, sourceFeeds, ct));
                }
                catch (RejectedInputException ex)
                {
                    items.Add(new IngestOutcome(origin, IngestResult.Rejected, Rejection: Rejection.Of(ex, origin, "upstream", now, 0)));
                    runs.Add(StageCounts.Rejected, stage: StageNames.Upstream);
                }
            }

            logger.LogInformation(
                "Polled {Feed}: {Items} items, {Accepted} new, {Updated} updated, {Rejected} rejected",
                source.Name, items.Count, items.Count(i => i.Result == IngestResult.Accepted), items.Count(i => i.Result == IngestResult.Updated), items.Count(i => i.Result == IngestResult.Rejected));
            var hints = new PollHints(document.FreshFor, parsed.TtlMinutes, parsed.SkipHours, parsed.SkipDays);
            return Succeeded(s with { ETag = document.ETag, LastModified = document.LastModified, LastStatus = 200, LastChanged = now, Hints = hints }, PollResult.Fetched, items);
        }
    }

    /// <summary>
    /// An item as the feed's configuration places it: its editions, sectors, section and agency, plus
    /// the sectors its own categories name (by sector id or name, as "Health" or "health").
    /// </summary>
    private ArticleDraft Draft(UpstreamFeed feed, ArticleDraft draft, ParsedEntry entry) => draft with
    {
        Source = feed.SourceName,
        SourceUrl = draft.SourceUrl ?? entry.Link,
        Editions = [.. draft.Editions, .. feed.Editions.Where(e => !string.IsNullOrWhiteSpace(e))],
        Sectors =
        [
            .. draft.Sectors,
            .. feed.Sectors.Where(s => !string.IsNullOrWhiteSpace(s)),
            .. catalog.Sectors.Where(s => entry.Categories.Any(c => c.Equals(s.Id, StringComparison.OrdinalIgnoreCase) || c.Equals(s.Name, StringComparison.OrdinalIgnoreCase))).Select(s => s.Id),
        ],
        Section = draft.Section ?? (Enum.TryParse<SectionType>(feed.Section, ignoreCase: true, out var section) ? section : null),
        Attribution = draft.Attribution ?? feed.Agency,
    };

    /// <summary>The names of the configured feeds that share <paramref name="feed"/>'s source (itself included).</summary>
    private List<string> FeedsOfSource(UpstreamFeed feed) =>
        [.. options.Value.Upstream.Configured.Where(f => string.Equals(f.SourceName, feed.SourceName, StringComparison.OrdinalIgnoreCase)).Select(f => f.Name)];

    private static string Extension(FetchResult.Fetched document) =>
        document.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true ? ".json" : ".xml";
}
