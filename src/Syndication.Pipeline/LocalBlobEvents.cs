using Microsoft.Extensions.Logging;
using Syndication.Adapters.Storage;
using Syndication.Pipeline.Operations;

namespace Syndication.Pipeline;

/// <summary>
/// The blob events of a local run, delivered in process. Azurite raises no Event Grid events, so a
/// local host (<c>syndication serve</c>) runs this beside its HTTP endpoints: it looks at
/// <c>incoming/</c> every second (one listing request) and hands each drop to what
/// <c>IngestDroppedFile</c> runs on its BlobCreated event; for each article that ingest wrote it
/// then raises the <c>articles/</c> event, running what <c>PublishArticleChanges</c> runs. Same
/// calls, same coalescing and lease as in Azure: a dropped file shows in the feeds within seconds.
/// </summary>
public sealed class LocalBlobEvents(IngestStage ingest, FeedPublishing publishing, DropZone dropZone, StageRunRecorder runs, ILogger<LocalBlobEvents> logger)
{
    private readonly List<Task> _publishing = [];

    /// <summary>
    /// One look at <c>incoming/</c>: every drop waiting there is ingested as its event would have it,
    /// then the event of the last article written is delivered, awaited (its coalescing window
    /// included; the build takes every change queued, so one event stands for all of them).
    /// </summary>
    /// <returns>What became of each drop.</returns>
    public async Task<IReadOnlyList<IngestOutcome>> PollAsync(CancellationToken cancellationToken)
    {
        var outcomes = await IngestWaitingAsync(cancellationToken);
        if (ArticleEvent(outcomes) is { } article)
        {
            await PublishAsync(article, cancellationToken);
        }

        return outcomes;
    }

    /// <summary>
    /// Polls every <paramref name="every"/> until cancelled. The publishing runs beside the next
    /// polls (it may hold the feeds' lease for its coalescing window), so drops keep being ingested
    /// meanwhile; their events find the lease taken and the build in progress takes them.
    /// </summary>
    public async Task RunAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        logger.LogInformation("Delivering the blob events of incoming/ and articles/ in process every {Every}", every);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var outcomes = await IngestWaitingAsync(cancellationToken);
                    _publishing.RemoveAll(t => t.IsCompleted);
                    if (ArticleEvent(outcomes) is { } article)
                    {
                        _publishing.Add(PublishAsync(article, cancellationToken));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // As the host does: a failed invocation is logged, and the next look tries again.
                    logger.LogError(ex, "Delivering local blob events failed: {Error}", ex.Message);
                }

                await Task.Delay(every, cancellationToken);
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

    /// <summary>The blob name of the last article ingest wrote (a BlobCreated of <c>articles/</c>), if any.</summary>
    private static string? ArticleEvent(IReadOnlyList<IngestOutcome> outcomes) =>
        outcomes.LastOrDefault(o => o.Result is IngestResult.Accepted or IngestResult.Updated)?.ArticleId is { } id ? $"{id}.json" : null;

    private async Task<List<IngestOutcome>> IngestWaitingAsync(CancellationToken cancellationToken)
    {
        var drops = new List<string>();
        await foreach (var name in dropZone.PendingAsync(cancellationToken))
        {
            drops.Add(name);
        }

        var outcomes = new List<IngestOutcome>(drops.Count);
        foreach (var name in drops)
        {
            // What IngestDroppedFile runs for the drop's event.
            outcomes.Add(await runs.RunAsync(StageNames.Ingest, subject: name, () => ingest.IngestAsync(name, cancellationToken), cancellationToken));
        }

        return outcomes;
    }

    private async Task PublishAsync(string article, CancellationToken cancellationToken)
    {
        try
        {
            // What PublishArticleChanges runs for the article's event.
            await publishing.PublishChangesAsync(trigger: article, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Publishing the change of {Article} failed: {Error}", article, ex.Message);
        }
    }
}
