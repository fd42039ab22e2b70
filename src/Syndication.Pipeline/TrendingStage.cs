using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Trending;

namespace Syndication.Pipeline;

/// <summary>What counting one page-view log did.</summary>
/// <param name="AlreadyCounted">The log was marked counted before: nothing was read or added.</param>
/// <param name="UnknownArticleViews">Views of keys that name no recent article (an old story, a typo, a probe): counted here, not stored.</param>
/// <param name="UnknownEditionViews">Views logged under an edition the catalog does not have: counted here, not stored.</param>
public sealed record PageViewCountOutcome(
    string File,
    bool Missing,
    bool AlreadyCounted,
    PageViewAggregation? Aggregation,
    long UnknownArticleViews,
    IReadOnlyList<string> UnknownKeys,
    long UnknownEditionViews,
    PageViewWrite? Write)
{
    public long StoredViews => Aggregation is null ? 0 : Aggregation.CountedViews - UnknownArticleViews - UnknownEditionViews;
}

/// <summary>One edition after a ranking run.</summary>
/// <param name="Changed">The box a reader sees changed, so its JSON and feeds were written.</param>
public sealed record TrendingOutcome(string Edition, TrendingDocument Document, bool Changed);

/// <summary>
/// Trending stage. Counting: each page-view log in <c>pageviews/</c> (blob trigger, or the sweep)
/// becomes hourly human views per edition and article in the <c>PageViewCounts</c> table, once.
/// Ranking: a timer ranks each edition's box (<see cref="TrendingRanker"/>, docs/trending.md) and
/// writes <c>feeds/trending/{edition}.json</c> and the edition's trending feeds only when the box
/// a reader sees changed.
/// </summary>
public sealed class TrendingStage(
    StorageAccount account,
    PageViewStore views,
    DropZone dropZone,
    ArticleIndex index,
    TrendingDocumentStore documents,
    FeedsStage feeds,
    PublicationCatalog catalog,
    IOptions<TrendingOptions> trendingOptions,
    IOptions<SyndicationOptions> options,
    TimeProvider clock,
    ILogger<TrendingStage> logger)
{
    /// <summary>
    /// Logs arrive late (exports run hourly, retries run later): views are resolved against articles
    /// published this long before the eligibility window too, so no view of a still-rankable story is lost.
    /// </summary>
    private static readonly TimeSpan LateLogAllowance = TimeSpan.FromDays(1);

    /// <summary>Counts one log waiting in <c>pageviews/</c> (the blob trigger's and the sweep's path).</summary>
    public async Task<PageViewCountOutcome> CountAsync(string name, CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        using var log = await views.OpenAsync(name, cancellationToken);
        if (log is null)
        {
            logger.LogInformation("Skipped page-view log {File}: no longer in pageviews/", name);
            return new PageViewCountOutcome(name, true, false, null, 0, [], 0, null);
        }

        if (log.Counted)
        {
            logger.LogInformation("Skipped page-view log {File}: counted before", name);
            return new PageViewCountOutcome(name, false, true, null, 0, [], 0, null);
        }

        // The file's key is a hash of its bytes, taken as they stream past: the same log dropped
        // twice, or counted again after a crash half way, adds each view once.
        PageViewAggregation aggregation;
        string fileKey;
        using (var sha = SHA256.Create())
        {
            await using (var hashing = new CryptoStream(log.Content, sha, CryptoStreamMode.Read, leaveOpen: true))
            {
                try
                {
                    aggregation = await PageViewAggregator.AggregateAsync(hashing, cancellationToken: cancellationToken);
                }
                catch (Exception ex) when (!OpenedPageViewLog.IsReadFailure(ex) && ex is not (OperationCanceledException or OutOfMemoryException))
                {
                    // The aggregator counts what it cannot read as malformed lines and is fuzzed never to
                    // throw; should a log still make it, that is the log's fault: it is recorded in
                    // rejected/ with the reason, marked so no sweep retries it, and the run goes on.
                    await RejectLogAsync(log, ex, cancellationToken);
                    return new PageViewCountOutcome(name, false, false, null, 0, [], 0, null);
                }
            }

            fileKey = Convert.ToHexStringLower(sha.Hash!, 0, 6);
        }

        var now = clock.GetUtcNow();
        var recent = await index.RecentAsync(now - trendingOptions.Value.EligibilityWindow - LateLogAllowance, cancellationToken);
        var resolved = new ArticleKeyResolver(recent.Select(a => new ArticleKeys(a.Id, a.SourceKey, a.Url, a.Slug))).Resolve(aggregation.Buckets);
        var editions = catalog.Editions.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var known = resolved.Views.Where(v => editions.Contains(v.Edition)).ToList();
        var unknownEditionViews = resolved.Views.Where(v => !editions.Contains(v.Edition)).Sum(v => v.Views);

        var write = await views.AddAsync(fileKey, known, cancellationToken);
        var outcome = new PageViewCountOutcome(name, false, false, aggregation, resolved.UnresolvedViews, resolved.UnresolvedKeys, unknownEditionViews, write);
        await views.MarkCountedAsync(log, Report(outcome, fileKey, now), cancellationToken);

        logger.LogInformation(
            "Counted page-view log {File}: {Lines} lines, {Stored} views stored in {Rows} rows ({Transactions} transactions), {Bots} bot views, {Repeats} repeated views, {UnknownArticle} views of unknown articles, {UnknownEdition} of unknown editions",
            name, aggregation.TotalLines, outcome.StoredViews, write.RowsWritten, write.Transactions, aggregation.BotViews, aggregation.DuplicateSessionViews, resolved.UnresolvedViews, unknownEditionViews);
        if (aggregation.MalformedLines > 0)
        {
            logger.LogWarning(
                "Page-view log {File} has {Malformed} malformed lines (first: {FirstLines}); they were skipped",
                name, aggregation.MalformedLines, string.Join(", ", aggregation.FirstMalformedLines));
        }

        if (resolved.UnresolvedKeys.Count > 0)
        {
            logger.LogInformation("Page-view log {File}: unknown article keys, first of them: {Keys}", name, string.Join(", ", resolved.UnresolvedKeys));
        }

        return outcome;
    }

    /// <summary>Counts every log in <c>pageviews/</c> not yet counted: the safety net behind the blob trigger.</summary>
    public async Task<IReadOnlyList<PageViewCountOutcome>> SweepAsync(CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var outcomes = new List<PageViewCountOutcome>();
        await foreach (var log in views.ListAsync(cancellationToken))
        {
            if (!log.Counted)
            {
                outcomes.Add(await CountAsync(log.Name, cancellationToken));
            }
        }

        return outcomes;
    }

    /// <summary>
    /// Ranks every edition's box and publishes the boxes that changed: their JSON document and their
    /// RSS, Atom and JSON feeds. An unchanged box writes nothing.
    /// </summary>
    public async Task<IReadOnlyList<TrendingOutcome>> RankAsync(CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var settings = trendingOptions.Value;
        var now = clock.GetUtcNow();
        var articles = await index.RecentAsync(now - settings.EligibilityWindow, cancellationToken);
        var counts = await views.ReadAsync(now - settings.EligibilityWindow, now, cancellationToken);
        var editions = catalog.Editions.Select(e => e.Id).ToList();
        var previous = await Task.WhenAll(editions.Select(async e => (await documents.ReadAsync(e, cancellationToken))?.Document));

        var ranking = new TrendingRanker(clock, settings).Rank(new TrendingInput
        {
            Views = counts,
            Articles = [.. articles.Select(a => new TrendingArticle(a.Id, a.Headline, a.Created, a.ClusterId, a.Url))],
            Editions = editions,
            PreviousBoxes = previous.OfType<TrendingDocument>().ToDictionary(d => d.Edition, d => d.ArticleIds, StringComparer.Ordinal),
        });

        var byId = articles.GroupBy(a => a.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var outcomes = new List<TrendingOutcome>();
        for (var i = 0; i < editions.Count; i++)
        {
            var box = ranking.For(editions[i]) ?? new TrendingBox(editions[i], 0, []);
            var document = TrendingDocument.From(box, now, settings, id => byId.TryGetValue(id, out var a) ? (a.Section, a.Image) : (default, null));
            var changed = !document.ShowsSameAs(previous[i]);
            if (changed)
            {
                await PublishAsync(document, byId, cancellationToken);
            }

            outcomes.Add(new TrendingOutcome(editions[i], document, changed));
        }

        logger.LogInformation(
            "Trending: {Changed} of {Editions} boxes changed from {Rows} hourly counts of {Articles} eligible articles",
            outcomes.Count(o => o.Changed), outcomes.Count, counts.Count, articles.Count);
        return outcomes;
    }

    private async Task PublishAsync(TrendingDocument document, Dictionary<string, RecentArticle> byId, CancellationToken cancellationToken)
    {
        var entries = await index.EntriesAsync([.. document.Items.Select(i => byId[i.ArticleId].RowKey)], cancellationToken);
        await feeds.PublishTrendingAsync(document.Edition, entries, cancellationToken);
        // The JSON last: a crash before it leaves the old box, so the next run publishes again.
        await documents.PublishAsync(document, options.Value.Feeds.CacheControl, cancellationToken);
    }

    private async Task RejectLogAsync(OpenedPageViewLog log, Exception ex, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var reason = $"It could not be counted: {ex.GetType().Name}: {ex.Message}";
        await dropZone.RecordAsync(StoredNames.PageViewsPrefix, log.Name, new Rejection($"{StorageNames.PageViewsContainer}/{log.Name}", "count", reason, null, null, now, log.Length), cancellationToken);
        await views.MarkRejectedAsync(log, now, reason, cancellationToken);
        logger.LogWarning(ex, "Page-view log {File} could not be counted: {Reason}", log.Name, reason);
    }

    private static PageViewLogReport Report(PageViewCountOutcome outcome, string fileKey, DateTimeOffset at)
    {
        var aggregation = outcome.Aggregation!;
        return new PageViewLogReport(
            at,
            fileKey,
            aggregation.TotalLines,
            outcome.StoredViews,
            aggregation.BotViews,
            aggregation.DuplicateSessionViews,
            outcome.UnknownArticleViews + outcome.UnknownEditionViews,
            aggregation.MalformedLines,
            aggregation.FirstMalformedLines);
    }
}
