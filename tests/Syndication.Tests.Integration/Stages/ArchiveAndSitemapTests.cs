using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml.Linq;
using Syndication.Core.Articles;
using Syndication.Core.Ingestion;
using Syndication.Pipeline;
using Syndication.Tests.Feeds;
using Syndication.Tests.Infrastructure;
using CodeHollowReader = CodeHollow.FeedReader.FeedReader;

namespace Syndication.Tests.Stages;

/// <summary>
/// What search engines and partners read: each edition's Google News sitemap and the sitemap
/// index, and every scope's complete archive (RFC 5005), as a reader fetches them from Azurite.
/// </summary>
public sealed class ArchiveAndSitemapTests
{
    private static readonly HttpClient Http = new();
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace History = "http://purl.org/syndication/history/1.0";
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";
    private static readonly XNamespace News = "http://www.google.com/schemas/sitemap-news/0.9";

    private static readonly string[] Words =
    [
        "port", "rain", "court", "budget", "school", "bridge", "vaccine", "market", "river", "power", "train", "harvest",
        "festival", "minister", "factory", "hospital", "election", "monsoon", "startup", "museum", "airport", "farmer",
        "drought", "cricket", "library", "tariff", "reactor", "satellite", "highway", "clinic", "orchard", "tunnel",
    ];

    /// <summary>A body of its own for story <paramref name="seed"/>: no two are near duplicates.</summary>
    private static string Body(int seed)
    {
        var random = new Random(seed);
        return "<p>" + string.Join(' ', Enumerable.Range(0, 120).Select(_ => Words[random.Next(Words.Length)])) + $" (story {seed})</p>";
    }

    private static async Task IngestAsync(TestPipeline pipeline, string key, string headline, DateTimeOffset created, string body, string edition = "india", Func<ArticleDraft, ArticleDraft>? change = null)
    {
        var draft = new ArticleDraft
        {
            SourceKey = $"urn:test:{key}",
            Headline = headline,
            BodyHtml = body,
            Created = created,
            Editions = [edition],
            Sectors = ["health"],
        };
        var outcome = await pipeline.Ingest.IngestDraftAsync(change is null ? draft : change(draft), origin: key, CancellationToken.None);
        Assert.True(outcome.Result is IngestResult.Accepted or IngestResult.Updated, $"{key}: {outcome.Result} {outcome.Rejection}");
    }

    /// <summary>Stories 0..count-1 of India, story 0 the newest, an hour apart before <paramref name="newest"/>.</summary>
    private static async Task<List<string>> IngestStoriesAsync(TestPipeline pipeline, int count, DateTimeOffset newest, int first = 0)
    {
        var headlines = new List<string>();
        for (var i = first; i < first + count; i++)
        {
            var headline = $"Story {i} of the archive";
            await IngestAsync(pipeline, $"archive:{i}", headline, newest.AddHours(-(i - first)), Body(i));
            headlines.Add(headline);
        }

        return headlines;
    }

    private static Dictionary<string, string?> PageSize(int items) => new() { ["Syndication:Feeds:ArchivePageItems"] = items.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>One document of a chain: its URL, the titles and ids of its items, and its history links.</summary>
    private sealed record Doc(Uri Url, string Text, List<string> Titles, List<string> Ids, bool IsArchive, string? Current, string? Previous, string? Next);

    private static Doc ReadXml(Uri url, string text, bool atom)
    {
        var xml = XDocument.Parse(text);
        var container = atom ? xml.Root! : xml.Root!.Element("channel")!;
        var links = container.Elements(Atom + "link").ToList();
        string? Link(string rel) => links.FirstOrDefault(l => l.Attribute("rel")?.Value == rel)?.Attribute("href")?.Value;
        var items = atom ? container.Elements(Atom + "entry").ToList() : container.Elements("item").ToList();
        return new Doc(
            url,
            text,
            [.. items.Select(i => (atom ? i.Element(Atom + "title") : i.Element("title"))!.Value)],
            [.. items.Select(i => (atom ? i.Element(Atom + "id") : i.Element("guid"))!.Value)],
            container.Element(History + "archive") is not null,
            Link("current"),
            Link("prev-archive"),
            Link("next-archive"));
    }

    private static Doc ReadJson(Uri url, string text)
    {
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var items = root.GetProperty("items").EnumerateArray().ToList();
        return new Doc(
            url,
            text,
            [.. items.Select(i => i.GetProperty("title").GetString()!)],
            [.. items.Select(i => i.GetProperty("id").GetString()!)],
            IsArchive: false,
            Current: null,
            Previous: root.TryGetProperty("next_url", out var next) ? next.GetString() : null,
            Next: null);
    }

    /// <summary>The current feed and every archive document reached from it by <c>prev-archive</c> (JSON Feed: <c>next_url</c>), newest first.</summary>
    private static async Task<List<Doc>> WalkAsync(Uri current)
    {
        var docs = new List<Doc>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (Uri? url = current; url is not null;)
        {
            Assert.True(seen.Add(url.AbsoluteUri), $"the chain comes back to {url}");
            var text = await Http.GetStringAsync(url);
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(text) <= 250_000, $"{url} is over the feed size cap");
            var doc = url.AbsolutePath.EndsWith(".json", StringComparison.Ordinal) ? ReadJson(url, text) : ReadXml(url, text, url.AbsolutePath.EndsWith("atom.xml", StringComparison.Ordinal));
            docs.Add(doc);
            url = doc.Previous is { } previous ? new Uri(previous) : null;
        }

        return docs;
    }

    /// <summary>232 stories of India (a wire story told twice among them) built into feeds with archive pages of 40.</summary>
    private static async Task<(List<string> Headlines, IReadOnlyList<FeedResult> Feeds)> ArchiveIndiaAsync(TestPipeline pipeline)
    {
        var newest = pipeline.Clock.GetUtcNow().AddMinutes(-30);
        var headlines = await IngestStoriesAsync(pipeline, 230, newest);

        // The same wire story from two outlets: one story in the current feed, both in the archive.
        await IngestAsync(pipeline, "wire:a", "Port opens second terminal", newest.AddMinutes(10), Body(9_999));
        await IngestAsync(pipeline, "wire:b", "Second container terminal opens at port", newest.AddMinutes(20), Body(9_999) + "<p>With inputs from agencies.</p>");
        headlines.AddRange(["Port opens second terminal", "Second container terminal opens at port"]);

        return (headlines, await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None));
    }

    [Fact]
    public async Task The_archive_chain_of_a_scope_reaches_every_article_exactly_once_in_rss_atom_and_json_feed()
    {
        await using var pipeline = await TestPipeline.StartAsync(PageSize(40));
        var (headlines, feeds) = await ArchiveIndiaAsync(pipeline);

        foreach (var file in new[] { "rss.xml", "atom.xml", "feed.json" })
        {
            var current = feeds.Single(f => f.Path == $"editions/india/{file}").Url;
            var chain = await WalkAsync(current);
            var archives = chain.Skip(1).ToList();

            // 232 stories in pages of 40: five complete pages and a filling one of 32.
            Assert.Equal(6, archives.Count);
            Assert.Equal([32, 40, 40, 40, 40, 40], archives.Select(a => a.Titles.Count));
            var reached = archives.SelectMany(a => a.Titles).ToList();
            Assert.Equal(headlines.Order(StringComparer.Ordinal), reached.Order(StringComparer.Ordinal));
            Assert.Equal(reached.Count, archives.SelectMany(a => a.Ids).Distinct(StringComparer.Ordinal).Count());

            // The current feed collapses the wire story; the archive keeps both tellings.
            Assert.Single(chain[0].Titles, t => t is "Port opens second terminal" or "Second container terminal opens at port");
            Assert.Subset(reached.ToHashSet(), chain[0].Titles.ToHashSet());
            if (file == "feed.json")
            {
                continue;
            }

            // RFC 5005: each archive is marked, links the current feed, and its neighbours both ways.
            for (var i = 0; i < archives.Count; i++)
            {
                Assert.True(archives[i].IsArchive, $"{archives[i].Url} lacks fh:archive");
                Assert.Equal(current.AbsoluteUri, archives[i].Current);
                Assert.Equal(i == 0 ? null : archives[i - 1].Url.AbsoluteUri, archives[i].Next);
            }

            Assert.False(chain[0].IsArchive);
            Assert.Null(archives[^1].Previous);
            Assert.EndsWith("/editions/india/archive/1/" + file, archives[^1].Url.AbsoluteUri, StringComparison.Ordinal);
        }

        // Readers other than ours see the same items in every archive document.
        var folder = Directory.CreateTempSubdirectory("archive-");
        try
        {
            for (var page = 1; page <= 6; page++)
            {
                foreach (var file in new[] { "rss.xml", "atom.xml", "feed.json" })
                {
                    var url = new Uri(feeds.Single(f => f.Path == $"editions/india/{file}").Url, $"archive/{page}/{file}");
                    var text = await Http.GetStringAsync(url);
                    var expected = (file == "feed.json" ? ReadJson(url, text) : ReadXml(url, text, file == "atom.xml")).Titles;
                    var path = Path.Combine(folder.FullName, $"{page}-{file}");
                    await File.WriteAllTextAsync(path, text);
                    var (parsed, _) = await NodeFeedParsers.ParseAsync(path);
                    parsed["CodeHollow.FeedReader"] = [.. CodeHollowReader.ReadFromFile(path).Items.Select(i => new ParsedItem(i.Id, i.Title, i.Link, null))];
                    foreach (var (parser, items) in parsed)
                    {
                        Assert.True(expected.SequenceEqual(items.Select(i => i.Title)), $"{parser} reads {items.Count} items of {url}, not the {expected.Count} written");
                    }
                }
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [FeedparserFact]
    public async Task Feedparser_follows_the_rss_and_atom_archive_chains_to_every_article_exactly_once()
    {
        await using var pipeline = await TestPipeline.StartAsync(PageSize(40));
        var (headlines, feeds) = await ArchiveIndiaAsync(pipeline);

        foreach (var file in new[] { "rss.xml", "atom.xml" })
        {
            var current = feeds.Single(f => f.Path == $"editions/india/{file}").Url;
            var blobs = (await WalkAsync(current)).ToDictionary(d => d.Url.AbsoluteUri, d => d.Text, StringComparer.Ordinal);

            // From the current feed through the prev-archive links feedparser reports, each mapped to its blob.
            var pages = new List<FeedparserFeed>();
            for (var url = current.AbsoluteUri; url is not null;)
            {
                Assert.True(blobs.TryGetValue(url, out var text), $"feedparser's prev-archive link {url} names no blob of the {file} chain");
                Assert.True(pages.Count <= blobs.Count, $"feedparser's {file} chain comes back to {url}");
                var page = await Feedparser.ParseAsync(System.Text.Encoding.UTF8.GetBytes(text));
                Assert.False(page.Bozo, $"{url}: {page.BozoException}");
                if (pages.Count > 0)
                {
                    Assert.Equal(current.AbsoluteUri, page.LinkTo("current"));
                }

                pages.Add(page);
                url = page.LinkTo("prev-archive");
            }

            var archives = pages.Skip(1).ToList();
            Assert.Equal(6, archives.Count);
            var titles = archives.SelectMany(p => p.Entries).Select(e => e.Title ?? "").ToList();
            Assert.Equal(headlines.Order(StringComparer.Ordinal), titles.Order(StringComparer.Ordinal));
            Assert.Equal(headlines.Count, archives.SelectMany(p => p.Entries).Select(e => e.Id).Distinct(StringComparer.Ordinal).Count());
            Assert.All(archives.SelectMany(p => p.Entries), e => Assert.False(string.IsNullOrEmpty(e.Id)));
        }
    }

    [Fact]
    public async Task Completed_archive_pages_keep_their_etags_across_builds_and_a_kill_or_correction_rewrites_only_the_page_that_holds_it()
    {
        await using var pipeline = await TestPipeline.StartAsync(PageSize(40));
        var newest = pipeline.Clock.GetUtcNow().AddHours(-2);
        await IngestStoriesAsync(pipeline, 130, newest);
        var first = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var folder = first.Single(f => f.Path == "editions/india/rss.xml").Url;
        async Task<Dictionary<int, string>> EtagsAsync(int pages)
        {
            var etags = new Dictionary<int, string>();
            for (var page = 1; page <= pages; page++)
            {
                using var response = await Http.GetAsync(new Uri(folder, $"archive/{page}/rss.xml"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                etags[page] = response.Headers.ETag!.Tag;
            }

            return etags;
        }

        var before = await EtagsAsync(4); // 130 in pages of 40: three complete, 10 filling page 4

        // Five newer stories: only the filling page changes.
        pipeline.Clock.Advance(TimeSpan.FromHours(1));
        await IngestStoriesAsync(pipeline, 5, pipeline.Clock.GetUtcNow().AddMinutes(-5), first: 500);
        var second = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var afterNew = await EtagsAsync(4);
        Assert.Equal(before[1], afterNew[1]);
        Assert.Equal(before[2], afterNew[2]);
        Assert.Equal(before[3], afterNew[3]);
        Assert.NotEqual(before[4], afterNew[4]);
        Assert.Equal(["editions/india/archive/4/atom.xml", "editions/india/archive/4/feed.json", "editions/india/archive/4/rss.xml"],
            second.Where(r => r.Archive && r.Written && r.Path.StartsWith("editions/india/", StringComparison.Ordinal)).Select(r => r.Path).Order(StringComparer.Ordinal));

        // A rebuild of everything writes no archive page again.
        var all = await pipeline.Feeds.BuildAsync(rebuildAll: true, CancellationToken.None);
        Assert.Contains(all, r => r.Path == "editions/india/archive/1/rss.xml");
        Assert.DoesNotContain(all, r => r.Archive && r.Written);

        // Kill story 125 (page 1 holds the oldest forty, 90-129) and correct story 70 (page 2, 50-89).
        await IngestAsync(pipeline, "archive:125", "Story 125 of the archive", newest.AddHours(-125), Body(125), change: d => d with { Status = PublicationStatus.Canceled });
        await IngestAsync(pipeline, "archive:70", "Story 70 of the archive", newest.AddHours(-70), Body(70), change: d => d with { Correction = "An earlier version misnamed the minister." });
        var third = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        var afterKill = await EtagsAsync(4);
        Assert.NotEqual(afterNew[1], afterKill[1]);
        Assert.NotEqual(afterNew[2], afterKill[2]);
        Assert.Equal(afterNew[3], afterKill[3]);
        var chain = await WalkAsync(folder);
        Assert.DoesNotContain(chain.SelectMany(d => d.Titles), t => t == "Story 125 of the archive");
        Assert.Equal(134, chain.Skip(1).Sum(d => d.Titles.Count));
        Assert.Contains("An earlier version misnamed the minister.", chain.Single(d => d.Url.AbsolutePath.EndsWith("/archive/2/rss.xml", StringComparison.Ordinal)).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(third, r => r.Written && r.Path.StartsWith("editions/india/archive/3/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_build_costs_the_same_requests_whatever_the_size_of_the_archive()
    {
        async Task<long> CostOfOneNewStoryAsync(int archived)
        {
            await using var pipeline = await TestPipeline.StartAsync(PageSize(10));
            await IngestStoriesAsync(pipeline, archived, pipeline.Clock.GetUtcNow().AddHours(-1));
            await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
            await IngestAsync(pipeline, "one-more", "One more story", pipeline.Clock.GetUtcNow().AddMinutes(-1), Body(77_777));
            pipeline.Counter.Reset();
            await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
            return pipeline.Counter.Total;
        }

        // Four times the archive (4 complete pages against 18, the next story filling the fifth
        // place of the newest page in both): the same storage requests for the next story.
        Assert.Equal(await CostOfOneNewStoryAsync(45), await CostOfOneNewStoryAsync(185));
    }

    [Fact]
    public async Task Each_edition_gets_a_google_news_sitemap_of_its_last_48_hours_listed_in_a_sitemap_index()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var now = pipeline.Clock.GetUtcNow();
        await IngestAsync(pipeline, "fresh", "Delhi metro opens its fourth line", now.AddHours(-1), Body(1));
        await IngestAsync(pipeline, "older", "Mumbai port doubles its capacity", now.AddHours(-47), Body(2));
        await IngestAsync(pipeline, "stale", "Chennai floods recede", now.AddHours(-49), Body(3));
        await IngestAsync(pipeline, "london", "London bridge closes for repairs", now.AddHours(-2), Body(4), edition: "uk");
        await IngestAsync(pipeline, "held", "Budget to be presented tomorrow", now.AddHours(-3), Body(5), change: d => d with { Embargoed = now.AddHours(1) });

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        var index = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "sitemap.xml").Url));
        Assert.Equal(Sitemap + "sitemapindex", index.Root!.Name);
        var locations = index.Root.Elements(Sitemap + "sitemap").Select(s => s.Element(Sitemap + "loc")!.Value).ToList();
        Assert.Contains(locations, l => l.EndsWith("/sitemaps/news-india.xml", StringComparison.Ordinal));
        Assert.Contains(locations, l => l.EndsWith("/sitemaps/news-uk.xml", StringComparison.Ordinal));

        var indiaUrl = new Uri(locations.Single(l => l.EndsWith("/sitemaps/news-india.xml", StringComparison.Ordinal)));
        using var response = await Http.GetAsync(indiaUrl);
        Assert.Equal("application/xml; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("public, max-age=300", response.Headers.CacheControl!.ToString());
        var sitemap = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(Sitemap + "urlset", sitemap.Root!.Name);
        var urls = sitemap.Root.Elements(Sitemap + "url").ToList();
        Assert.Equal(["Delhi metro opens its fourth line", "Mumbai port doubles its capacity"], urls.Select(u => u.Element(News + "news")!.Element(News + "title")!.Value));
        var first = urls[0].Element(News + "news")!;
        Assert.Equal("Syndication News", first.Element(News + "publication")!.Element(News + "name")!.Value);
        Assert.Equal("en", first.Element(News + "publication")!.Element(News + "language")!.Value);
        Assert.Equal(now.AddHours(-1), DateTimeOffset.Parse(first.Element(News + "publication_date")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("https://news.example.com/", urls[0].Element(Sitemap + "loc")!.Value, StringComparison.Ordinal);
        var page = await Http.GetStringAsync(feeds.Single(f => f.Path == "index.html").Url);
        Assert.Contains($"<link rel=\"sitemap\" type=\"application/xml\" title=\"Sitemap\" href=\"{feeds.Single(f => f.Path == "sitemap.xml").Url.AbsoluteUri}\">", page, StringComparison.Ordinal);

        // Idle: nothing written, one request, and a reader's conditional GET gets 304.
        pipeline.Counter.Reset();
        Assert.Empty(await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None));
        Assert.Equal(1, pipeline.Counter.Total);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, indiaUrl);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(response.Headers.ETag!.Tag));
        using var notModified = await Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // Two hours on, with no new article: the 47-hour story has left the window and the embargo
        // has lifted; the build that finds it due rewrites the same file in place.
        pipeline.Clock.Advance(TimeSpan.FromHours(2));
        var later = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        Assert.True(later.Single(f => f.Path == "sitemaps/news-india.xml").Written);
        using var changed = new HttpRequestMessage(HttpMethod.Get, indiaUrl);
        changed.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(response.Headers.ETag!.Tag));
        using var rewritten = await Http.SendAsync(changed);
        Assert.Equal(HttpStatusCode.OK, rewritten.StatusCode);
        var titles = XDocument.Parse(await rewritten.Content.ReadAsStringAsync()).Root!.Elements(Sitemap + "url").Select(u => u.Element(News + "news")!.Element(News + "title")!.Value);
        Assert.Equal(["Budget to be presented tomorrow", "Delhi metro opens its fourth line"], titles);
        pipeline.Counter.Reset();
        Assert.Empty(await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None));
        Assert.Equal(1, pipeline.Counter.Total);

        // A kill takes the story out of the sitemap at the next build.
        await IngestAsync(pipeline, "fresh", "Delhi metro opens its fourth line", now.AddHours(-1), Body(1), change: d => d with { Status = PublicationStatus.Withheld });
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var afterKill = XDocument.Parse(await Http.GetStringAsync(indiaUrl)).Root!.Elements(Sitemap + "url").Select(u => u.Element(News + "news")!.Element(News + "title")!.Value);
        Assert.Equal(["Budget to be presented tomorrow"], afterKill);
    }

    [Fact]
    public async Task A_news_sitemap_holds_at_most_1000_stories_a_file_and_an_edition_with_more_gets_a_second_file()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var now = pipeline.Clock.GetUtcNow();
        var articles = Enumerable.Range(0, 1_005).Select(i => new Article
        {
            Id = i.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            SourceKey = $"urn:test:busy:{i}",
            Slug = $"busy-story-{i}",
            Url = new Uri($"https://news.example.com/news/busy-story-{i}"),
            Headline = $"Busy story {i}",
            BodyHtml = "<p>Short.</p>",
            Created = now.AddMinutes(-2 * i),
            Updated = now.AddMinutes(-2 * i),
            Editions = ["india"],
            Fingerprint = $"busy-{i}",
        }).ToList();
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        await pipeline.Articles.RecordNewAsync(articles, now, CancellationToken.None);

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        var firstFile = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "sitemaps/news-india.xml").Url));
        var secondFile = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "sitemaps/news-india-2.xml").Url));
        Assert.Equal(1_000, firstFile.Root!.Elements(Sitemap + "url").Count());
        Assert.Equal(
            Enumerable.Range(1_000, 5).Select(i => $"https://news.example.com/news/busy-story-{i}"),
            secondFile.Root!.Elements(Sitemap + "url").Select(u => u.Element(Sitemap + "loc")!.Value));
        var index = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "sitemap.xml").Url));
        Assert.Contains(index.Root!.Elements(Sitemap + "sitemap"), s => s.Element(Sitemap + "loc")!.Value.EndsWith("/sitemaps/news-india-2.xml", StringComparison.Ordinal));

        // A day later the busiest hours have left the window: one file again, the second removed.
        pipeline.Clock.Advance(TimeSpan.FromHours(20));
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        using var gone = await Http.GetAsync(feeds.Single(f => f.Path == "sitemaps/news-india-2.xml").Url);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        index = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "sitemap.xml").Url));
        Assert.DoesNotContain(index.Root!.Elements(Sitemap + "sitemap"), s => s.Element(Sitemap + "loc")!.Value.EndsWith("-2.xml", StringComparison.Ordinal));
    }
}
