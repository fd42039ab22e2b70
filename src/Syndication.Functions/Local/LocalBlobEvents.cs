using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Syndication.Adapters.Storage;
using Syndication.Functions.Functions;

namespace Syndication.Functions.Local;

/// <summary>
/// The blob events of a local run, delivered in process. Azurite raises no Event Grid events, so a
/// local host (<c>syndication serve</c>) runs this beside its HTTP functions: it looks at
/// <c>incoming/</c> every second (one listing request), hands each drop to
/// <see cref="IngestDroppedFile"/> as the host would on its BlobCreated event, and then raises the
/// event of the articles ingest wrote by calling <see cref="PublishArticleChanges"/>: the same
/// function classes, so the same coalescing and lease as in Azure, and a dropped file shows in
/// the feeds within seconds.
/// </summary>
public sealed class LocalBlobEvents(IngestDroppedFile ingest, PublishArticleChanges publish, DropZone dropZone, StorageAccount account, TimeProvider clock, ILogger<LocalBlobEvents> logger)
{
    private readonly List<Task> _publishing = [];

    /// <summary>Builds the two function classes from the app's own registrations, as the worker would.</summary>
    public static LocalBlobEvents Create(IServiceProvider services) =>
        ActivatorUtilities.CreateInstance<LocalBlobEvents>(
            services,
            ActivatorUtilities.CreateInstance<IngestDroppedFile>(services),
            ActivatorUtilities.CreateInstance<PublishArticleChanges>(services));

    /// <summary>
    /// One look at <c>incoming/</c>: every drop waiting there goes to the ingest function, then one
    /// article event to the publish function, awaited (its coalescing window included).
    /// </summary>
    /// <returns>The drops delivered.</returns>
    public async Task<IReadOnlyList<string>> PollAsync(CancellationToken cancellationToken)
    {
        var drops = await IngestWaitingAsync(cancellationToken);
        if (drops.Count > 0)
        {
            await PublishAsync(drops[^1], cancellationToken);
        }

        return drops;
    }

    /// <summary>
    /// Polls every <paramref name="every"/> until cancelled. The publish function runs beside the
    /// next polls (it may hold the feeds' lease for its coalescing window), so drops keep being
    /// ingested meanwhile; their events find the lease taken and the build in progress takes them.
    /// </summary>
    public async Task RunAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        logger.LogInformation("Delivering blob events of incoming/ and articles/ in process every {Every}", every);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var drops = await IngestWaitingAsync(cancellationToken);
                    _publishing.RemoveAll(t => t.IsCompleted);
                    if (drops.Count > 0)
                    {
                        _publishing.Add(PublishAsync(drops[^1], cancellationToken));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // As the host does: a failed invocation is logged, and the next event (or poll) tries again.
                    logger.LogError(ex, "Delivering local blob events failed: {Error}", ex.Message);
                }

                await Task.Delay(every, clock, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }

        try
        {
            await Task.WhenAll(_publishing);
        }
        catch (OperationCanceledException)
        {
            // A build stopped by the shutdown: its changes stay queued for the next run.
        }
    }

    private async Task<List<string>> IngestWaitingAsync(CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var incoming = account.Container(StorageNames.IncomingContainer);
        var drops = new List<string>();
        await foreach (var name in dropZone.PendingAsync(cancellationToken))
        {
            drops.Add(name);
        }

        foreach (var name in drops)
        {
            await ingest.Run(incoming.GetBlobClient(name), name, cancellationToken);
        }

        return drops;
    }

    /// <summary>
    /// The BlobCreated event of the articles the drops became. This loop does not know their names
    /// (the function reads no blob and builds every pending change); it names the last drop.
    /// </summary>
    private async Task PublishAsync(string drop, CancellationToken cancellationToken)
    {
        try
        {
            await publish.Run(account.Container(StorageNames.ArticlesContainer).GetBlobClient(drop), drop, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Publishing the changes of {Drop} failed: {Error}", drop, ex.Message);
        }
    }
}
