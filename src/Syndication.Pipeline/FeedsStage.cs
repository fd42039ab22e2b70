using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Feeds;
using Syndication.Core.Sitemaps;
using Syndication.Core.Trending;
using Syndication.Pipeline.Operations;

namespace Syndication.Pipeline;

/// <summary>One feed file after a build: where it is and whether its bytes changed.</summary>
public sealed record FeedResult(string Path, Uri Url, int Items, bool Written)
{
    /// <summary>A page of a scope's archive (RFC 5005), not a feed anyone subscribes to: never pinged.</summary>
    public bool Archive { get; init; }
}

/// <summary>
/// Feeds stage: brings the article index up to date from the queued changes, then rebuilds the
/// feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) of the scopes that changed — all articles, each
/// edition, sector and section — and their archives (<see cref="FeedArchives"/>), each edition's
/// Google News sitemap and the sitemap index, uploads the files whose bytes changed, keeps
/// <c>index.html</c> and <c>feeds.opml</c> current, and pings the WebSub hub for the changed feeds.
/// With nothing new it costs one storage request.
/// </summary>
public sealed class FeedsStage(
    StorageAccount account,
    ArticleIndex index,
    FeedPublisher publisher,
    TrendingDocumentStore trending,
    FeedArchives archives,
    WebSubPinger hub,
    PublicationCatalog catalog,
    IOptions<SyndicationOptions> options,
    StageRunRecorder runs,
    TimeProvider clock,
    ILogger<FeedsStage> logger)
{
    /// <param name="rebuildAll">Rebuild every feed, changed or not (after a change of settings, or to repair).</param>
    public async Task<IReadOnlyList<FeedResult>> BuildAsync(bool rebuildAll, CancellationToken cancellationToken)
    {
        await account.EnsureLayoutAsync(cancellationToken);
        var update = await index.ApplyPendingAsync(cancellationToken);
        if (update.IsEmpty && update.Due.Count == 0 && !rebuildAll)
        {
            return [];
        }

        var channels = Channels().ToList();
        var results = new List<FeedResult>();
        foreach (var (scope, channel) in channels)
        {
            if (rebuildAll || update.TouchedScopes.Contains(scope))
            {
                // The archive first: the current feed links its newest page.
                var archive = await archives.UpdateAsync(scope, channel, update.TouchedTimes.GetValueOrDefault(scope) ?? [], rebuildAll, cancellationToken);
                results.AddRange(archive.Results);
                results.AddRange(await PublishChannelAsync(channel with { History = archive.Current }, await index.NewestAsync(scope, options.Value.Feeds.MaxItems, cancellationToken), cancellationToken));
            }
        }

        results.AddRange(await PublishSitemapsAsync(update, rebuildAll, cancellationToken));

        if (!update.IsEmpty || rebuildAll)
        {
            // (When only a sitemap's time had come, no feed changed, and neither did the directory.)
            results.AddRange(await PublishDirectoryAsync([.. channels.Select(c => c.Channel), .. catalog.Editions.Select(e => TrendingChannel(e.Id))], cancellationToken));
        }

        results.AddRange(await WithdrawFromTrendingAsync(update.Withdrawn, cancellationToken));
        await PingHubAsync(results, cancellationToken);

        // Only now are the changes done with: a crash before this applies them again next time.
        await index.AcknowledgeAsync(update, cancellationToken);
        runs.Add(StageCounts.FeedsWritten, results.Count(r => r.Written), StageNames.Feeds);
        runs.Add(StageCounts.FeedsUnchanged, results.Count(r => !r.Written), StageNames.Feeds);
        logger.LogInformation(
            "Feed build: {Written} files written, {Unchanged} unchanged; {Lifted} embargoes lifted, {Held} stories held, {Withdrawn} withdrawn",
            results.Count(r => r.Written), results.Count(r => !r.Written), update.Lifted, update.Held, update.Withdrawn.Count);
        return results;
    }

    /// <summary>
    /// Takes killed (or re-embargoed) stories out of every trending box that shows them, in the same
    /// build that takes them out of the feeds: each edition's <c>trending/{edition}.json</c> and its
    /// trending feeds are rewritten without them. Costs a read per edition, only when a build withdrew something.
    /// </summary>
    private async Task<List<FeedResult>> WithdrawFromTrendingAsync(IReadOnlySet<string> withdrawn, CancellationToken cancellationToken)
    {
        var results = new List<FeedResult>();
        if (withdrawn.Count == 0)
        {
            return results;
        }

        foreach (var edition in catalog.Editions)
        {
            var path = TrendingDocument.PathOf(edition.Id);
            if ((await trending.ReadAsync(edition.Id, cancellationToken))?.Document is not { } document
                || document.Without(withdrawn) is var remaining && ReferenceEquals(remaining, document))
            {
                continue;
            }

            var entries = await index.EntriesAsync([.. remaining.Items.Select(i => ArticleIndex.RowKeyOf(i.Published, i.ArticleId))], cancellationToken);
            results.AddRange(await PublishChannelAsync(TrendingChannel(edition.Id), entries, cancellationToken));
            results.Add(new FeedResult(path, PublicUrl(path), remaining.Items.Count,
                await trending.PublishAsync(remaining, options.Value.Feeds.CacheControl, cancellationToken)));
            logger.LogInformation("Trending box of {Edition}: withdrawn stories taken out", edition.Id);
        }

        return results;
    }

    /// <summary>Every channel the site publishes, with the index scope it lists: all, editions, sectors, sections.</summary>
    public IEnumerable<(string Scope, FeedChannel Channel)> Channels()
    {
        var site = catalog.Site;
        yield return (FeedScopes.All, Channel("", site.Name, site.Description));
        foreach (var edition in catalog.Editions)
        {
            yield return (FeedScopes.Edition(edition.Id), Channel($"editions/{edition.Id}", $"{site.Name}: {edition.Name}", $"{edition.Name} edition of {site.Name}."));
        }

        foreach (var sector in catalog.Sectors)
        {
            yield return (FeedScopes.Sector(sector.Id), Channel($"sectors/{sector.Id}", $"{site.Name}: {sector.Name}", $"{sector.Name} news from {site.Name}."));
        }

        foreach (var section in Enum.GetValues<SectionType>())
        {
            var id = section.ToString().ToLowerInvariant();
            yield return (FeedScopes.Section(section), Channel($"sections/{id}", $"{site.Name}: {section}", $"{section} from {site.Name}."));
        }
    }

    /// <summary>The trending feeds of an edition (<c>trending/{edition}/</c>), items in rank order; written by the trending stage, listed with the rest.</summary>
    public FeedChannel TrendingChannel(string edition)
    {
        var site = catalog.Site;
        var name = catalog.Editions.FirstOrDefault(e => e.Id == edition)?.Name ?? edition;
        return Channel($"trending/{edition}", $"{site.Name}: Trending in {name}", $"What readers of the {name} edition of {site.Name} are reading now, most read first.");
    }

    /// <summary>
    /// Writes an edition's trending feeds from its box (entries best first) and pings the hub for
    /// the files that changed. The trending stage calls this only when the box changed.
    /// </summary>
    public async Task<IReadOnlyList<FeedResult>> PublishTrendingAsync(string edition, IReadOnlyList<FeedEntry> ranked, CancellationToken cancellationToken)
    {
        var results = await PublishChannelAsync(TrendingChannel(edition), ranked, cancellationToken);
        await PingHubAsync(results, cancellationToken);
        return results;
    }

    /// <summary>A channel's three formats from its entries, each uploaded only when its bytes changed.</summary>
    private async Task<List<FeedResult>> PublishChannelAsync(FeedChannel channel, IReadOnlyList<FeedEntry> entries, CancellationToken cancellationToken)
    {
        var feeds = options.Value.Feeds;
        var results = new List<FeedResult>();

        // One pooled buffer for the three files, each uploaded before the next is written: no
        // new large array per feed (see docs/benchmarks.md, "Feed writers").
        foreach (var document in FeedWriter.WriteEach(channel, entries, new FeedWriteOptions { MaxBytes = feeds.MaxBytes }))
        {
            var written = await publisher.PublishAsync(document.Path, document.Content, document.ContentType, feeds.CacheControl, cancellationToken);
            results.Add(new FeedResult(document.Path, document.Url, document.Items, written));
        }

        return results;
    }

    /// <summary>The URL readers use: the configured public base (CDN, custom domain) or the storage account's own.</summary>
    public Uri PublicUrl(string path) =>
        options.Value.Feeds.PublicBaseUrl is { Length: > 0 } publicBase
            ? new Uri($"{publicBase.TrimEnd('/')}/{path}")
            : publisher.StorageUrl(path);

    private FeedChannel Channel(string folder, string title, string description)
    {
        var site = catalog.Site;
        var feeds = options.Value.Feeds;
        var rssPath = folder.Length == 0 ? FeedFormats.FileName(FeedFormat.Rss) : $"{folder}/{FeedFormats.FileName(FeedFormat.Rss)}";
        return new FeedChannel
        {
            Folder = folder,
            FolderUrl = new Uri(PublicUrl(rssPath), "."),
            Title = title,
            Description = description,
            HomePage = new Uri(site.BaseUrl),
            Language = site.Language,
            TtlMinutes = feeds.TtlMinutes,
            HubUrl = feeds.HubUrl is { Length: > 0 } hubUrl ? new Uri(hubUrl) : null,
            Publisher = site.Name,
            Taxonomy = FeedTaxonomy.For(catalog),
        };
    }

    /// <summary><c>index.html</c> (every feed, with autodiscovery links) and <c>feeds.opml</c> (subscribe to a whole set at once).</summary>
    private async Task<IEnumerable<FeedResult>> PublishDirectoryAsync(List<FeedChannel> channels, CancellationToken cancellationToken)
    {
        var site = catalog.Site;
        var cacheControl = options.Value.Feeds.CacheControl;
        var opmlUrl = PublicUrl(OpmlWriter.FileName);
        var opml = OpmlWriter.Write($"{site.Name}: all feeds", channels.Select(c => OpmlFeed.Of(c)), site.Name);
        var html = FeedIndexWriter.Write(new FeedIndexPage($"{site.Name} feeds", site.Description, site.Language, channels) { OpmlUrl = opmlUrl, SitemapUrl = PublicUrl(SitemapIndex.FileName) });
        return
        [
            new FeedResult(OpmlWriter.FileName, opmlUrl, channels.Count,
                await publisher.PublishAsync(OpmlWriter.FileName, opml, "text/x-opml; charset=utf-8", cacheControl, cancellationToken)),
            new FeedResult(FeedIndexWriter.FileName, PublicUrl(FeedIndexWriter.FileName), channels.Count,
                await publisher.PublishAsync(FeedIndexWriter.FileName, html, "text/html; charset=utf-8", cacheControl, cancellationToken)),
        ];
    }

    /// <summary>The queue note of an edition's news sitemap: when it must be written again, and its files' newest dates.</summary>
    private static string SitemapNote(string edition) => "sitemap-" + edition;

    /// <summary>
    /// Each edition's Google News sitemap (its stories of the last 48 hours, 1,000 a file) where the
    /// edition changed or a story left the window, and the sitemap index. Only public stories are
    /// in the index, so embargoed and killed ones never appear. Each edition's note (in the change
    /// queue, read by every build's one query) says when its oldest story leaves the window, so an
    /// idle build writes a sitemap again when that time has come and costs nothing more before.
    /// </summary>
    private async Task<List<FeedResult>> PublishSitemapsAsync(IndexUpdate update, bool rebuildAll, CancellationToken cancellationToken)
    {
        var results = new List<FeedResult>();
        var due = catalog.Editions
            .Where(e => rebuildAll || update.TouchedScopes.Contains(FeedScopes.Edition(e.Id)) || update.Due.Contains(SitemapNote(e.Id)))
            .ToList();
        if (due.Count == 0)
        {
            return results;
        }

        var site = catalog.Site;
        var cacheControl = options.Value.Feeds.CacheControl;
        var now = clock.GetUtcNow();
        var notes = new Dictionary<string, QueueNote>(update.Notes, StringComparer.Ordinal);
        foreach (var edition in due)
        {
            var parts = NewsSitemap.Parts(await index.NewsSinceAsync(FeedScopes.Edition(edition.Id), now - NewsSitemap.Window, cancellationToken), now);
            for (var part = 0; part < parts.Count; part++)
            {
                var path = NewsSitemap.PathOf(edition.Id, part + 1);
                results.Add(new FeedResult(path, PublicUrl(path), parts[part].Count,
                    await publisher.PublishAsync(path, NewsSitemap.Write(parts[part], site.Name, site.Language), NewsSitemap.ContentType, cacheControl, cancellationToken)));
            }

            // Files a busier window needed and this one does not: gone, so no stale list stays readable.
            var key = SitemapNote(edition.Id);
            var before = notes.TryGetValue(key, out var previous) ? SitemapParts(previous).Count : 0;
            for (var part = parts.Count + 1; part <= before; part++)
            {
                await publisher.DeleteAsync(NewsSitemap.PathOf(edition.Id, part), cancellationToken);
            }

            var note = new QueueNote(
                key,
                NewsSitemap.NextExpiry(parts.SelectMany(p => p)),
                string.Join(',', parts.Select(p => p.Count == 0 ? "" : FeedText.Rfc3339(p.Max(s => s.Published)))));
            if (previous != note)
            {
                await index.SaveNoteAsync(note, cancellationToken);
            }

            notes[key] = note;
        }

        // The index lists every edition's files as last written, with each file's newest story.
        var listed = catalog.Editions
            .Where(e => notes.ContainsKey(SitemapNote(e.Id)))
            .SelectMany(e => SitemapParts(notes[SitemapNote(e.Id)]).Select((newest, part) => (PublicUrl(NewsSitemap.PathOf(e.Id, part + 1)), newest)))
            .ToList();
        results.Add(new FeedResult(SitemapIndex.FileName, PublicUrl(SitemapIndex.FileName), listed.Count,
            await publisher.PublishAsync(SitemapIndex.FileName, SitemapIndex.Write(listed), NewsSitemap.ContentType, cacheControl, cancellationToken)));
        return results;
    }

    /// <summary>The newest story's date of each file of an edition's sitemap, from its note (none for an empty file).</summary>
    private static List<DateTimeOffset?> SitemapParts(QueueNote note) =>
        [.. note.Value.Split(',').Select(d => d.Length == 0 ? (DateTimeOffset?)null : DateTimeOffset.Parse(d, System.Globalization.CultureInfo.InvariantCulture))];

    private async Task PingHubAsync(List<FeedResult> results, CancellationToken cancellationToken)
    {
        if (options.Value.Feeds.HubUrl is not { Length: > 0 } hubUrl)
        {
            return;
        }

        var changed = results.Where(r => r.Written && !r.Archive && FeedFormats.All.Any(f => r.Path.EndsWith(FeedFormats.FileName(f), StringComparison.Ordinal))).Select(r => r.Url).ToList();
        if (changed.Count == 0)
        {
            return;
        }

        foreach (var failure in await hub.PublishAsync(new Uri(hubUrl), changed, cancellationToken))
        {
            logger.LogWarning("WebSub ping failed for {Failure}", failure);
        }
    }
}
