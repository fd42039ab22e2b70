using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Pipeline.Operations;

namespace Syndication.Pipeline;

/// <summary>What one call of <see cref="FeedPublishing.PublishChangesAsync"/> did.</summary>
/// <param name="Held">Another build held the feeds' lease: this call built nothing and left the changes to it.</param>
/// <param name="Builds">Feed builds that found changes and published them (0 when there were none).</param>
/// <param name="Results">The feed files of those builds, in order.</param>
public sealed record FeedPublication(bool Held, int Builds, IReadOnlyList<FeedResult> Results);

/// <summary>How far a <see cref="FeedPublishing.ReindexAsync"/> has come.</summary>
/// <param name="Queued">Stored articles queued for the index so far.</param>
/// <param name="Building">Every article is queued and the build of the index and every feed begins.</param>
public sealed record ReindexProgress(int Queued, bool Building);

/// <summary>
/// Feed builds one at a time, coalesced. Every build of the public feeds, whoever starts it (an
/// article's event, the timer, the CLI), runs under one blob lease (<see cref="LeaseName"/>), so two
/// builds never write the same feeds at once. An event that finds the lease taken costs one
/// request and leaves: the holder builds its change. The holder builds, then waits until
/// <see cref="FeedOptions.CoalesceSeconds"/> after that build began and builds again, until a
/// build finds nothing; it lets the lease go and looks once more (one request) for a change whose
/// event came while it held the lease, taking the lease again for it. So the first article after
/// a quiet spell is built at once, a burst costs one build per window however many events it
/// raises and however many instances they land on, and no change waits for the timer.
/// </summary>
public sealed class FeedPublishing(
    StorageAccount account,
    FeedsStage feeds,
    ArticleIndex index,
    ArticleStore articles,
    IOptions<SyndicationOptions> options,
    TimeProvider clock,
    StageRunRecorder runs,
    ILogger<FeedPublishing> logger)
{
    /// <summary>The lease blob, in the private <c>status/</c> container (never in the public <c>feeds/</c>).</summary>
    public const string LeaseName = "leases/feeds-build.lease";

    /// <summary>How long the CLI waits for a build in progress (a burst's session may hold the lease for a while).</summary>
    private static readonly TimeSpan CliWait = TimeSpan.FromMinutes(3);

    /// <summary>How many passes in a row a session may make without building anything before it ends.</summary>
    private const int MaxIdlePasses = 3;

    /// <summary>
    /// The event's and the timer's path: builds the feeds of changed articles unless another build
    /// holds the lease (then it returns at once, <see cref="FeedPublication.Held"/>). Each session
    /// that holds the lease is one run of the feeds stage; a call that finds it taken is none.
    /// </summary>
    /// <param name="trigger">What asked: an article's blob name, <c>timer</c>, ... (the run's subject).</param>
    public async Task<FeedPublication> PublishChangesAsync(string trigger, CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var lease = await TryLeaseAsync(TimeSpan.Zero, cancellationToken);
        if (lease is null)
        {
            logger.LogDebug("Feed build for {Trigger} left to the build in progress", trigger);
            return new FeedPublication(Held: true, 0, []);
        }

        return await runs.RunAsync(StageNames.Feeds, trigger, () => SessionAsync(lease, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The CLI's path (<c>feeds</c>, <c>run</c>): waits for a build in progress to end, then builds
    /// once (every feed with <paramref name="rebuildAll"/>), under the same lease.
    /// </summary>
    public async Task<IReadOnlyList<FeedResult>> BuildAsync(bool rebuildAll, CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        await using var lease = await TryLeaseAsync(CliWait, cancellationToken)
            ?? throw new InvalidOperationException($"Another feed build held the lease status/{LeaseName} for {CliWait.TotalMinutes:N0} minutes; try again when it is done.");
        using var held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        return await feeds.BuildAsync(rebuildAll, held.Token);
    }

    /// <summary>
    /// Rebuilds the article index from the stored articles, then every feed (after losing the index
    /// table, or a change of its layout): queues a change record for every article in
    /// <c>articles/</c>, reading each once, so the build writes each into the index anew; the
    /// archive pages keep their bounds. The build is <see cref="BuildAsync"/>'s, under the same lease.
    /// </summary>
    /// <param name="progress">Told after each page of articles queued, and once more as the build begins.</param>
    public async Task<IReadOnlyList<FeedResult>> ReindexAsync(Action<ReindexProgress>? progress, CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var queuedAt = clock.GetUtcNow();
        var queued = 0;
        await foreach (var page in articles.ListAsync(readsInFlight: 16, cancellationToken))
        {
            await articles.RecordNewAsync(page, queuedAt, cancellationToken);
            queued += page.Count;
            progress?.Invoke(new ReindexProgress(queued, Building: false));
        }

        logger.LogInformation("Reindex: {Queued} stored articles queued for the index", queued);
        progress?.Invoke(new ReindexProgress(queued, Building: true));
        return await BuildAsync(rebuildAll: true, cancellationToken);
    }

    private Task<RunLease?> TryLeaseAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        RunLease.TryAcquireAsync(account, StorageNames.StatusContainer, LeaseName, wait, cancellationToken);

    private async Task<FeedPublication> SessionAsync(RunLease first, CancellationToken cancellationToken)
    {
        var results = new List<FeedResult>();
        var builds = 0;
        var window = TimeSpan.FromSeconds(options.Value.Feeds.CoalesceSeconds);
        var lease = first;
        var idlePasses = 0;
        while (lease is not null)
        {
            var buildsBefore = builds;
            await using (lease)
            {
                // A lease that could not be renewed may be someone else's now: stop at once.
                using var held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
                try
                {
                    while (true)
                    {
                        var started = clock.GetUtcNow();
                        logger.LogInformation("Feed build {Build} started", builds + 1);
                        var built = await feeds.BuildAsync(rebuildAll: false, held.Token);
                        if (built.Count == 0)
                        {
                            break;
                        }

                        builds++;
                        results.AddRange(built);
                        logger.LogInformation("Feed build {Build} published: {Written} files written", builds, built.Count(r => r.Written));

                        // Changes that come meanwhile wait for the next build, at most a window after this one began.
                        var rest = started + window - clock.GetUtcNow();
                        if (rest > TimeSpan.Zero)
                        {
                            await Task.Delay(rest, clock, held.Token);
                        }
                    }
                }
                catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // Storage too slow to renew it for 10 s: another build may hold it now. What this
                    // one had not acknowledged stays queued; the look below hands it on.
                    logger.LogWarning("Feed build {Build} stopped: the feeds' lease could not be renewed", builds + 1);
                    runs.Warn("the feeds' lease could not be renewed; the build stopped and left its changes queued");
                }
            }

            // Released. An event that came after the last build looked and before the release found
            // the lease taken and left its change to us: look once more, and build it if no one else has.
            // A look that finds work no build then does (another instance took it meanwhile) may
            // repeat a little, never for ever: the timer's next build picks up whatever is left.
            idlePasses = builds > buildsBefore ? 0 : idlePasses + 1;
            lease = idlePasses < MaxIdlePasses && await index.HasPendingAsync(cancellationToken) ? await TryLeaseAsync(TimeSpan.Zero, cancellationToken) : null;
        }

        return new FeedPublication(Held: false, builds, results);
    }
}
