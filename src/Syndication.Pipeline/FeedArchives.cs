using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Feeds;

namespace Syndication.Pipeline;

/// <summary>What updating a scope's archive gave: the history link of its current feed, and the archive files.</summary>
/// <param name="Current">What the current feed links (<c>prev-archive</c>, JSON Feed <c>next_url</c>); null while the scope has no article.</param>
public sealed record ArchiveUpdate(FeedHistory? Current, IReadOnlyList<FeedResult> Results);

/// <summary>
/// Complete feed archives (RFC 5005, section 4) for every scope. A scope's articles, oldest first,
/// are cut into pages of <see cref="FeedOptions.ArchivePageItems"/> by their index row keys
/// (<c>{folder}/archive/1/</c> is the oldest, in all three formats); the newest page is still
/// filling. A page is complete once that many newer articles follow it: its range of row keys is
/// recorded in the <see cref="ArchiveCatalog"/> and its files are not written again, except when an
/// article in its range changes (a kill, a correction, a story dated into its range later), which
/// the index's touched times say. Archives list every article of the scope: near-duplicate
/// clusters collapse only in the current feed.
/// </summary>
/// <remarks>
/// A build's cost is that of the filling page (one catalog read, two index queries and its three
/// files) plus the pages that the build's changes touch; it does not grow with the archive.
/// </remarks>
public sealed class FeedArchives(
    ArticleIndex index,
    ArchiveCatalog catalog,
    FeedPublisher publisher,
    IOptions<SyndicationOptions> options,
    ILogger<FeedArchives> logger)
{
    /// <summary>
    /// Brings a scope's archive up to date: completes pages that are full, writes the filling page,
    /// rewrites the completed pages that hold a touched time (or, with <paramref name="rebuildAll"/>, every page).
    /// </summary>
    public async Task<ArchiveUpdate> UpdateAsync(string scope, FeedChannel channel, IReadOnlyList<TouchedSpan> touchedTimes, bool rebuildAll, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(touchedTimes);
        var size = options.Value.Feeds.ArchivePageItems;
        var newest = await catalog.NewestAsync(scope, cancellationToken);
        var completedBound = newest?.Newest;

        // The filling region: every row newer than the newest completed page, oldest first (keys only).
        var keys = new List<string>();
        await foreach (var key in index.RowKeysAsync(scope, from: null, before: completedBound, cancellationToken))
        {
            keys.Add(key);
        }

        keys.Reverse();
        var number = newest?.Number ?? 0;
        if (keys.Count == 0 && number == 0)
        {
            return new ArchiveUpdate(null, []);
        }

        // Full pages of the region complete now, oldest first; what is left fills the next page.
        var completed = new List<ArchivePage>();
        var older = completedBound ?? ArchiveCatalog.Oldest;
        for (var start = 0; keys.Count - start > size; start += size)
        {
            var pageNewest = keys[start + size - 1];
            completed.Add(new ArchivePage(++number, pageNewest, older));
            older = pageNewest;
        }

        var filling = number + 1;
        var pages = new List<(int Number, string Before)> { (filling, older) };
        pages.AddRange(completed.AsEnumerable().Reverse().Select(p => (p.Number, p.OlderBound)));
        var results = new List<FeedResult>();
        await WritePagesAsync(scope, channel, from: null, before: completedBound, pages, filling, results, cancellationToken);

        // Completed pages before this build that hold a touched time (or all of them, when rebuilding all).
        if (completedBound is not null)
        {
            var rewrite = new SortedDictionary<int, ArchivePage>();
            if (rebuildAll)
            {
                // Every completed page, from one pass over the scope's older rows.
                var all = await catalog.AllAsync(scope, cancellationToken);
                await WritePagesAsync(scope, channel, from: completedBound, before: null, [.. all.Select(p => (p.Number, p.OlderBound))], filling, results, cancellationToken);
            }
            else
            {
                foreach (var span in touchedTimes)
                {
                    var (from, before) = ArticleIndex.RowKeyRange(span);
                    if (string.CompareOrdinal(before, completedBound) <= 0)
                    {
                        continue; // newer than every completed page: the filling page has it
                    }

                    foreach (var page in await catalog.OverlappingAsync(scope, string.CompareOrdinal(from, completedBound) > 0 ? from : completedBound, before, cancellationToken))
                    {
                        rewrite[page.Number] = page;
                    }
                }
            }

            foreach (var page in rewrite.Values)
            {
                var entries = new List<FeedEntry>();
                await foreach (var (_, entry) in index.EntriesBetweenAsync(scope, page.Newest, page.OlderBound, cancellationToken))
                {
                    entries.Add(entry);
                }

                results.AddRange(await PublishPageAsync(channel, page.Number, filling, entries, cancellationToken));
            }
        }

        // Recorded once their files are written: a crash in between finds the same pages again.
        await catalog.AddAsync(scope, completed, cancellationToken);
        return new ArchiveUpdate(new FeedHistory { PreviousArchive = PageFolder(channel, filling) }, results);
    }

    /// <summary>
    /// Reads a range of the scope's rows once, newest first, writing each page (<paramref name="pages"/>,
    /// newest first, each up to its older bound) as its rows end: memory holds one page.
    /// </summary>
    private async Task WritePagesAsync(string scope, FeedChannel channel, string? from, string? before, List<(int Number, string Before)> pages, int filling, List<FeedResult> results, CancellationToken cancellationToken)
    {
        var at = 0;
        var entries = new List<FeedEntry>();
        await foreach (var (rowKey, entry) in index.EntriesBetweenAsync(scope, from, before, cancellationToken))
        {
            while (at < pages.Count - 1 && string.CompareOrdinal(rowKey, pages[at].Before) >= 0)
            {
                results.AddRange(await PublishPageAsync(channel, pages[at].Number, filling, entries, cancellationToken));
                entries.Clear();
                at++;
            }

            entries.Add(entry);
        }

        for (; at < pages.Count; at++)
        {
            results.AddRange(await PublishPageAsync(channel, pages[at].Number, filling, entries, cancellationToken));
            entries.Clear();
        }
    }

    private async Task<List<FeedResult>> PublishPageAsync(FeedChannel channel, int number, int filling, List<FeedEntry> entries, CancellationToken cancellationToken)
    {
        var feeds = options.Value.Feeds;
        var page = channel with
        {
            Folder = channel.Folder.Length == 0 ? $"archive/{number}" : $"{channel.Folder}/archive/{number}",
            FolderUrl = PageFolder(channel, number),
            History = new FeedHistory
            {
                IsArchive = true,
                Current = channel.FolderUrl,
                PreviousArchive = number > 1 ? PageFolder(channel, number - 1) : null,
                NextArchive = number < filling ? PageFolder(channel, number + 1) : null,
            },
        };
        var results = new List<FeedResult>();
        foreach (var document in FeedWriter.WriteEach(page, entries, new FeedWriteOptions { MaxBytes = feeds.MaxBytes }))
        {
            if (document.Items < entries.Count)
            {
                // Only when stories dated into a completed page later pile up in it: nothing is
                // lost from the index, and the page says how many it could not carry.
                logger.LogError("Archive page {Path} holds {Articles} articles, of which {Items} fit under {MaxBytes} bytes", document.Path, entries.Count, document.Items, feeds.MaxBytes);
            }

            var written = await publisher.PublishAsync(document.Path, document.Content, document.ContentType, feeds.CacheControl, cancellationToken);
            results.Add(new FeedResult(document.Path, document.Url, document.Items, written) { Archive = true });
        }

        return results;
    }

    private static Uri PageFolder(FeedChannel channel, int number) => new(channel.FolderUrl, $"archive/{number}/");
}
