using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Feeds;

namespace Syndication.Pipeline;

/// <summary>One feed after a build: where it is and whether its bytes changed.</summary>
public sealed record FeedResult(string Path, Uri Url, int Items, bool Written);

/// <summary>
/// Feeds stage: brings the article index up to date from the queued changes, then rebuilds the
/// feeds of the scopes that changed and uploads the ones whose bytes changed. With nothing new it
/// costs one storage request.
/// </summary>
public sealed class FeedsStage(
    StorageAccount account,
    ArticleIndex index,
    FeedPublisher publisher,
    PublicationCatalog catalog,
    IOptions<SyndicationOptions> options,
    ILogger<FeedsStage> logger)
{
    /// <param name="rebuildAll">Rebuild every feed, changed or not (after a change of settings, or to repair).</param>
    public async Task<IReadOnlyList<FeedResult>> BuildAsync(bool rebuildAll, CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var update = await index.ApplyPendingAsync(cancellationToken);
        if (update.IsEmpty && !rebuildAll)
        {
            return [];
        }

        var feeds = options.Value.Feeds;
        var results = new List<FeedResult>();
        foreach (var (scope, channel) in Channels())
        {
            if (!rebuildAll && !update.TouchedScopes.Contains(scope))
            {
                continue;
            }

            var entries = await index.NewestAsync(scope, feeds.MaxItems, cancellationToken);
            var bytes = RssWriter.Write(channel, entries, catalog.Site.Name);
            var written = await publisher.PublishAsync(channel.Path, bytes, RssWriter.ContentType, feeds.CacheControl, cancellationToken);
            results.Add(new FeedResult(channel.Path, channel.SelfUrl, entries.Count, written));
            if (written)
            {
                logger.LogInformation("Wrote feed {Feed} with {Items} items", channel.Path, entries.Count);
            }
        }

        // Only now are the changes done with: a crash before this applies them again next time.
        await index.AcknowledgeAsync(update, cancellationToken);
        return results;
    }

    /// <summary>Every feed the site publishes, with the index scope it lists.</summary>
    public IEnumerable<(string Scope, FeedChannel Channel)> Channels()
    {
        var site = catalog.Site;
        yield return (ArticleIndex.AllScope, Channel("rss.xml", site.Name, site.Description));
        foreach (var edition in catalog.Editions)
        {
            yield return (ArticleIndex.EditionScope(edition.Id), Channel($"editions/{edition.Id}/rss.xml", $"{site.Name}: {edition.Name}", $"{site.Description} {edition.Name} edition."));
        }

        FeedChannel Channel(string path, string title, string description) =>
            new(path, title, description, new Uri(site.BaseUrl), PublicUrl(path), site.Language, options.Value.Feeds.TtlMinutes);
    }

    /// <summary>The URL readers use: the configured public base (CDN, custom domain) or the storage account's own.</summary>
    public Uri PublicUrl(string path) =>
        options.Value.Feeds.PublicBaseUrl is { Length: > 0 } publicBase
            ? new Uri($"{publicBase.TrimEnd('/')}/{path}")
            : publisher.StorageUrl(path);
}
