using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Feeds;

namespace Syndication.Pipeline;

/// <summary>One feed after a build: where it is and whether its bytes changed.</summary>
public sealed record FeedResult(string Path, Uri Url, int Items, bool Written);

/// <summary>
/// Feeds stage: builds the public feeds from the article index and uploads the ones whose bytes
/// changed.
/// </summary>
public sealed class FeedsStage(
    StorageAccount account,
    ArticleStore store,
    FeedPublisher publisher,
    PublicationCatalog catalog,
    IOptions<SyndicationOptions> options,
    ILogger<FeedsStage> logger)
{
    public async Task<IReadOnlyList<FeedResult>> BuildAsync(CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var feeds = options.Value.Feeds;
        var site = catalog.Site;
        var siteUrl = new Uri(site.BaseUrl);
        var channels = new List<(string Scope, FeedChannel Channel)>
        {
            (ArticleStore.AllScope, Channel("rss.xml", site.Name, site.Description)),
        };
        foreach (var edition in catalog.Editions)
        {
            channels.Add((ArticleStore.EditionScope(edition.Id), Channel($"editions/{edition.Id}/rss.xml", $"{site.Name}: {edition.Name}", $"{site.Description} {edition.Name} edition.")));
        }

        var results = new List<FeedResult>();
        foreach (var (scope, channel) in channels)
        {
            var entries = await store.NewestAsync(scope, feeds.MaxItems, cancellationToken);
            var bytes = RssWriter.Write(channel, entries, site.Name);
            var written = await publisher.PublishAsync(channel.Path, bytes, RssWriter.ContentType, feeds.CacheControl, cancellationToken);
            results.Add(new FeedResult(channel.Path, channel.SelfUrl, entries.Count, written));
            if (written)
            {
                logger.LogInformation("Wrote feed {Feed} with {Items} items", channel.Path, entries.Count);
            }
        }

        return results;

        FeedChannel Channel(string path, string title, string description) =>
            new(path, title, description, siteUrl, PublicUrl(path), site.Language, feeds.TtlMinutes);
    }

    /// <summary>The URL readers use: the configured public base (CDN, custom domain) or the storage account's own.</summary>
    public Uri PublicUrl(string path) =>
        options.Value.Feeds.PublicBaseUrl is { Length: > 0 } publicBase
            ? new Uri($"{publicBase.TrimEnd('/')}/{path}")
            : publisher.StorageUrl(path);
}
