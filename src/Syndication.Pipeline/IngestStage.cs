using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;
using Syndication.Pipeline.Operations;

namespace Syndication.Pipeline;

public enum IngestResult
{
    /// <summary>A story seen for the first time.</summary>
    Accepted,

    /// <summary>A new version of a known story.</summary>
    Updated,

    /// <summary>The same story with the same content: no article written.</summary>
    Unchanged,

    /// <summary>Kept in <c>rejected/</c> with a reason.</summary>
    Rejected,

    /// <summary>Gone from <c>incoming/</c> before we got to it (processed by another run).</summary>
    Missing,
}

/// <summary>What happened to one dropped file.</summary>
public sealed record IngestOutcome(string File, IngestResult Result, string? ArticleId = null, string? Headline = null, Rejection? Rejection = null)
{
    /// <summary>
    /// When the stored version is not public (NewsroomRules at ingest): <c>embargoed until …</c> in UTC
    /// and its editions' zones, or <c>killed (pubstatus canceled)</c>; null when it is public.
    /// </summary>
    public string? Publication { get; init; }
}

/// <summary>
/// Ingest stage: a file becomes an article in the store (or a rejection with a reason), and its
/// original bytes end in <c>archive/</c> or <c>rejected/</c>. A new article costs four storage
/// requests (read, write, change record, archived original); an unchanged local file costs one.
/// </summary>
public sealed class IngestStage(
    StorageAccount account,
    DropZone dropZone,
    ArticleStore store,
    ArticleNormalizer normalizer,
    PublicationCatalog catalog,
    IOptions<SyndicationOptions> options,
    TimeProvider clock,
    StageRunRecorder runs,
    ILogger<IngestStage> logger)
{
    private const string StageName = "ingest";
    private const int MaxConflictRetries = 3;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Ingests one file waiting in <c>incoming/</c> (the blob trigger's and the sweep's path).</summary>
    public async Task<IngestOutcome> IngestAsync(string name, CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var file = await dropZone.ReadAsync(name, options.Value.Ingest.MaxFileBytes, cancellationToken);
        if (file is null)
        {
            logger.LogInformation("Skipped {File}: no longer in incoming/", name);
            return new IngestOutcome(name, IngestResult.Missing);
        }

        return await IngestAsync(file, cancellationToken);
    }

    /// <summary>
    /// Ingests a file already read: from <c>incoming/</c>, or handed over directly
    /// (<see cref="DroppedFile.Local"/>, the CLI's path, which skips the round trip through <c>incoming/</c>).
    /// </summary>
    public async Task<IngestOutcome> IngestAsync(DroppedFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["File"] = file.Name });
        await account.EnsureLayoutAsync(cancellationToken);
        var maxBytes = options.Value.Ingest.MaxFileBytes;
        try
        {
            if (!file.WasRead || file.Length > maxBytes)
            {
                throw new RejectedInputException($"The file is {file.Length:N0} bytes, over the limit of {maxBytes:N0} bytes.");
            }

            if (file.Length == 0)
            {
                throw new RejectedInputException("The file is empty.");
            }

            return Counted(await StoreWithRetriesAsync(file.Name, InputGuard.Run(() => Read(file)), file, legacyFeeds: [], cancellationToken));
        }
        catch (RejectedInputException ex)
        {
            var rejection = Rejection.Of(ex, file.Name, StageName, clock.GetUtcNow(), file.Length);
            await dropZone.RejectAsync(file, rejection, cancellationToken);
            logger.LogWarning("Rejected {File}: {Reason} (line {Line}, column {Column})", file.Name, ex.Message, ex.Line, ex.Column);
            return Counted(new IngestOutcome(file.Name, IngestResult.Rejected, Rejection: rejection));
        }
    }

    /// <summary>
    /// Ingests a file of this machine straight, without the round trip through <c>incoming/</c> (the
    /// CLI's path); the original is archived or rejected as a drop's is. One over the size limit is
    /// not read: it is rejected for its size, as a drop of that size is.
    /// </summary>
    /// <param name="name">The name it is known by (as a blob in <c>incoming/</c> would be).</param>
    public async Task<IngestOutcome> IngestLocalFileAsync(string path, string name, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        var file = size > options.Value.Ingest.MaxFileBytes
            ? new DroppedFile(name, BinaryData.Empty, size)
            : DroppedFile.Local(name, BinaryData.FromBytes(await File.ReadAllBytesAsync(path, cancellationToken)));
        return await IngestAsync(file, cancellationToken);
    }

    /// <summary>Ingests every file waiting in <c>incoming/</c>: the sweep that catches missed events.</summary>
    public async Task<IReadOnlyList<IngestOutcome>> SweepAsync(Action<IngestOutcome>? progress, CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var outcomes = new List<IngestOutcome>();
        await foreach (var name in dropZone.PendingAsync(cancellationToken))
        {
            var outcome = await IngestAsync(name, cancellationToken);
            outcomes.Add(outcome);
            progress?.Invoke(outcome);
        }

        return outcomes;
    }

    /// <summary>
    /// Ingests one item of an agency feed. Its original is the fetched feed document, archived by the
    /// caller, so a rejected item is reported, not stored apart.
    /// </summary>
    public Task<IngestOutcome> IngestDraftAsync(ArticleDraft draft, string origin, CancellationToken cancellationToken) =>
        IngestDraftAsync(draft, origin, legacyFeeds: [], cancellationToken);

    /// <param name="legacyFeeds">
    /// The feeds of the draft's source (<see cref="ArticleDraft.Source"/>): a story one of them stored
    /// before sources had namespaces, under the id of its guid alone, keeps that id.
    /// </param>
    public async Task<IngestOutcome> IngestDraftAsync(ArticleDraft draft, string origin, IReadOnlyCollection<string> legacyFeeds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(legacyFeeds);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["File"] = origin });
        await account.EnsureLayoutAsync(cancellationToken);
        try
        {
            return Counted(await StoreWithRetriesAsync(origin, draft, file: null, legacyFeeds, cancellationToken));
        }
        catch (RejectedInputException ex)
        {
            logger.LogWarning("Rejected item {Origin}: {Reason}", origin, ex.Message);
            return Counted(new IngestOutcome(origin, IngestResult.Rejected, Rejection: Rejection.Of(ex, origin, StageName, clock.GetUtcNow(), 0)));
        }
    }

    private async Task<IngestOutcome> StoreWithRetriesAsync(string origin, ArticleDraft draft, DroppedFile? file, IReadOnlyCollection<string> legacyFeeds, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreAsync(origin, draft, file, legacyFeeds, cancellationToken);
            }
            catch (ArticleConflictException) when (attempt < MaxConflictRetries)
            {
                logger.LogInformation("Article of {Origin} changed while we wrote it; reading it again (attempt {Attempt})", origin, attempt + 1);
            }
        }
    }

    /// <param name="file">The dropped file to archive or release afterwards; null for an item of an agency feed.</param>
    private async Task<IngestOutcome> StoreAsync(string origin, ArticleDraft draft, DroppedFile? file, IReadOnlyCollection<string> legacyFeeds, CancellationToken cancellationToken)
    {
        var source = draft.Source is null ? null : ArticleIdentity.NormalizeSource(draft.Source);
        var id = InputGuard.Run(() => ArticleIdentity.IdFor(source, draft.SourceKey));
        var existing = await store.GetAsync(id, cancellationToken);
        if (existing is null && source is not null && legacyFeeds.Count > 0
            && await store.GetAsync(ArticleIdentity.IdFor(draft.SourceKey), cancellationToken) is { } legacy
            && IsLegacyStoryOf(legacy.Article, draft.SourceKey.Trim(), source, legacyFeeds))
        {
            existing = legacy;
            id = legacy.Article.Id;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["ArticleId"] = id });
        if (existing is not null && (existing.Article.SourceKey != draft.SourceKey.Trim() || !IsSameSource(existing.Article, source, legacyFeeds)
            || (source is null && IsFromAFeed(existing.Article))))
        {
            throw new RejectedInputException(
                $"Its id {id} collides with another story ('{existing.Article.SourceKey}'{(existing.Article.Source is { } other ? $" of {other}" : "")}); give it a different uri.");
        }

        if (existing is not null && existing.Article.Fingerprint == InputGuard.Run(() => ArticleNormalizer.Fingerprint(draft)))
        {
            if (file is { InIncoming: true })
            {
                // Still in incoming/: perhaps an earlier attempt stopped after writing the article and
                // before recording its change, and without the record it would never reach the index.
                // The record of a version is one row, so writing it again is harmless.
                await store.RecordChangeAsync(existing.Article, previous: null, clock.GetUtcNow(), cancellationToken);
            }

            if (file is not null)
            {
                await dropZone.ReleaseAsync(file, cancellationToken);
            }

            logger.LogInformation("Unchanged {ArticleId} from {Origin}", id, origin);
            return new IngestOutcome(origin, IngestResult.Unchanged, id, existing.Article.Headline) { Publication = Publication(existing.Article) };
        }

        var article = InputGuard.Run(() => normalizer.Normalize(draft, existing?.Article, origin));
        await store.SaveAsync(article, existing?.Version, cancellationToken);
        await store.RecordChangeAsync(article, existing?.Article, clock.GetUtcNow(), cancellationToken);
        if (file is not null)
        {
            await dropZone.ArchiveAsync(file, cancellationToken);
        }

        var result = existing is null ? IngestResult.Accepted : IngestResult.Updated;
        var publication = Publication(article);
        logger.LogInformation("{Result} {ArticleId} version {Version} from {Origin}{Publication}", result, article.Id, article.Version, origin, publication is null ? "" : ": " + publication);
        return new IngestOutcome(origin, result, article.Id, article.Headline) { Publication = publication };
    }

    /// <summary>What an editor is told when the story will not be public at once.</summary>
    private string? Publication(Article article)
    {
        var state = NewsroomRules.At(article, clock.GetUtcNow());
        return state.Visibility switch
        {
            Visibility.Embargoed => EmbargoText.Describe(state.LiftsAt!.Value, catalog.Editions.Where(e => article.Editions.Contains(e.Id))),
            Visibility.Killed => $"killed (pubstatus {article.Status.ToString().ToLowerInvariant()}): in no public output",
            _ => null,
        };
    }

    /// <summary>
    /// A story stored under the id of its guid alone (before sources had namespaces) that belongs to
    /// this source: it says so, or it has no source and came from one of the source's feeds (its
    /// origin is <c>{feed}: {link}</c>). Another source's story under that id is not touched.
    /// </summary>
    private static bool IsLegacyStoryOf(Article article, string sourceKey, string source, IReadOnlyCollection<string> feeds) =>
        article.SourceKey == sourceKey && IsSameSource(article, source, feeds);

    private static bool IsSameSource(Article article, string? source, IReadOnlyCollection<string> feeds) =>
        article.Source == source
        || (article.Source is null && source is not null && article.Origin is { } origin
            && feeds.Any(f => origin.StartsWith(f + ": ", StringComparison.OrdinalIgnoreCase)));

    /// <summary>An article without a source that a configured feed stored before sources had namespaces: not the drop zone's to update.</summary>
    private bool IsFromAFeed(Article article) =>
        article.Source is null && article.Origin is { } origin
        && options.Value.Upstream.Configured.Any(f => origin.StartsWith(f.Name + ": ", StringComparison.OrdinalIgnoreCase));

    /// <summary>Counts an outcome in the meter and the current run (the sweep's, the blob trigger's, the CLI's).</summary>
    private IngestOutcome Counted(IngestOutcome outcome)
    {
        var count = outcome.Result switch
        {
            IngestResult.Accepted or IngestResult.Updated => StageCounts.Ingested,
            IngestResult.Unchanged => StageCounts.Duplicates,
            IngestResult.Rejected => StageCounts.Rejected,
            _ => null,
        };
        if (count is not null)
        {
            runs.Add(count, stage: StageNames.Ingest);
        }

        return outcome;
    }

    private static ArticleDraft Read(DroppedFile file)
    {
        var bytes = file.Content.ToMemory().Span;
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        try
        {
            StrictUtf8.GetCharCount(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new RejectedInputException($"The file is not valid UTF-8 (first bad byte at offset {ex.Index}).", inner: ex);
        }

        var extension = Path.GetExtension(file.Name).ToLowerInvariant();
        return extension switch
        {
            ".json" => NinjsReader.Read(bytes),
            ".md" or ".markdown" => MarkdownReader.Read(bytes, file.Name),
            _ => throw new RejectedInputException(
                $"Unsupported file type '{extension}': drop IPTC ninjs JSON (.json) or Markdown with front matter (.md)."),
        };
    }
}
