using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Stages;

public sealed class FeedsStageTests
{
    private static readonly HttpClient Http = new();

    private static async Task IngestSamplesAsync(TestPipeline pipeline)
    {
        foreach (var file in Directory.GetFiles(Repository.Sample("articles")))
        {
            await pipeline.DropZone.DropAsync(Path.GetFileName(file), BinaryData.FromBytes(File.ReadAllBytes(file)), CancellationToken.None);
        }

        await pipeline.Ingest.SweepAsync(progress: null, CancellationToken.None);
    }

    [Fact]
    public async Task A_reader_without_credentials_gets_a_valid_rss_feed_of_the_newest_articles()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await IngestSamplesAsync(pipeline);

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var all = feeds.Single(f => f.Path == "rss.xml");
        using var response = await Http.GetAsync(all.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/rss+xml; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("public, max-age=300", response.Headers.CacheControl!.ToString());
        var rss = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = rss.Root!.Element("channel")!.Elements("item").ToList();
        Assert.Equal(Directory.GetFiles(Repository.Sample("articles")).Length, items.Count);
        var dates = items.Select(i => DateTimeOffset.Parse(i.Element("pubDate")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(dates.OrderDescending(), dates);
        Assert.Contains(items, i => i.Element("title")!.Value == "Delhi begins dengue vaccination for children in 40 high-burden wards");
        XNamespace atom = "http://www.w3.org/2005/Atom";
        Assert.Equal(all.Url.AbsoluteUri, rss.Root.Element("channel")!.Element(atom + "link")!.Attribute("href")!.Value);
    }

    [Fact]
    public async Task Edition_feeds_carry_only_their_edition()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await IngestSamplesAsync(pipeline);

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var india = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "editions/india/rss.xml").Url));
        var titles = india.Root!.Element("channel")!.Elements("item").Select(i => i.Element("title")!.Value).ToList();

        Assert.Contains("Delhi begins dengue vaccination for children in 40 high-burden wards", titles);
        Assert.DoesNotContain("UK offshore wind auction secures record 9.4 GW as turbine costs ease", titles);
    }

    [Fact]
    public async Task Building_again_without_changes_writes_nothing_and_a_conditional_get_answers_304()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await IngestSamplesAsync(pipeline);
        var first = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        using var firstResponse = await Http.GetAsync(first[0].Url);
        var etag = firstResponse.Headers.ETag!;

        pipeline.Counter.Reset();
        var second = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        Assert.Empty(second);
        Assert.Equal(0, pipeline.Counter.Writes);
        Assert.InRange(pipeline.Counter.Total, 1, 2);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, first[0].Url);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        using var notModified = await Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task An_edited_article_rewrites_the_feeds_it_is_in_and_a_reader_sees_the_change()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await IngestSamplesAsync(pipeline);
        var first = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        using var before = await Http.GetAsync(first[0].Url);
        var file = "2026-11-24-dengue-vaccine-rollout.ninjs.json";
        var edited = Encoding.UTF8.GetString(File.ReadAllBytes(Repository.Sample("articles", file)))
            .Replace("Delhi begins dengue vaccination", "Delhi widens dengue vaccination", StringComparison.Ordinal);
        await pipeline.DropAndIngestAsync(file, Encoding.UTF8.GetBytes(edited));

        var second = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        Assert.True(second.Single(f => f.Path == "rss.xml").Written);
        Assert.True(second.Single(f => f.Path == "editions/india/rss.xml").Written);
        Assert.DoesNotContain(second, f => f.Path == "editions/europe/rss.xml");
        using var conditional = new HttpRequestMessage(HttpMethod.Get, first[0].Url);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(before.Headers.ETag!.Tag));
        using var after = await Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("Delhi widens dengue vaccination", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuilding_every_feed_from_unchanged_articles_uploads_nothing()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await IngestSamplesAsync(pipeline);
        var first = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        var again = await pipeline.Feeds.BuildAsync(rebuildAll: true, CancellationToken.None);

        Assert.Superset(first.Select(f => f.Path).ToHashSet(), again.Select(f => f.Path).ToHashSet());
        Assert.All(again.Where(f => first.Any(b => b.Path == f.Path)), f => Assert.False(f.Written));
    }

    [Fact]
    public async Task The_same_wire_story_run_by_two_outlets_appears_once_in_a_feed()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var story = string.Join(' ', Enumerable.Range(1, 12).Select(i =>
            $"Paragraph {i}: the port authority said the second container terminal would double capacity and cut waiting times for ships at anchor by half."));
        static string Ninjs(string uri, string headline, string body, string created) =>
            $$"""{"uri":"{{uri}}","headline":"{{headline}}","body_text":"{{body}}","firstcreated":"{{created}}","versioncreated":"{{created}}"}""";
        await pipeline.DropAndIngestAsync("outlet-a.json", Encoding.UTF8.GetBytes(Ninjs("urn:outlet-a:1", "Port opens second terminal", "MUMBAI (Wire) - " + story, "2026-11-24T08:00:00Z")));
        await pipeline.DropAndIngestAsync("outlet-b.json", Encoding.UTF8.GetBytes(Ninjs("urn:outlet-b:1", "Second container terminal opens at port", story + " (With inputs from agencies.)", "2026-11-24T09:30:00Z")));
        await pipeline.DropAndIngestAsync("other.json", Encoding.UTF8.GetBytes(Ninjs("urn:outlet-a:2", "Monsoon arrives early", "The weather office said the monsoon reached the coast a week early this year, and farmers began sowing.", "2026-11-24T10:00:00Z")));

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var rss = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "rss.xml").Url));
        var titles = rss.Root!.Element("channel")!.Elements("item").Select(i => i.Element("title")!.Value).ToList();

        Assert.Equal(["Monsoon arrives early", "Second container terminal opens at port"], titles);
    }

    [Fact]
    public async Task Every_scope_gets_rss_atom_and_json_feed_with_their_content_types_and_a_directory()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await IngestSamplesAsync(pipeline);

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        foreach (var (path, type) in new[]
        {
            ("sectors/health/rss.xml", "application/rss+xml; charset=utf-8"),
            ("sectors/health/atom.xml", "application/atom+xml; charset=utf-8"),
            ("sectors/health/feed.json", "application/feed+json; charset=utf-8"),
            ("sections/opinion/atom.xml", "application/atom+xml; charset=utf-8"),
            ("editions/india/feed.json", "application/feed+json; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("feeds.opml", "text/x-opml; charset=utf-8"),
        })
        {
            using var response = await Http.GetAsync(feeds.Single(f => f.Path == path).Url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.ToString());
        }

        var atom = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "sectors/health/atom.xml").Url));
        XNamespace a = "http://www.w3.org/2005/Atom";
        Assert.Contains(atom.Root!.Elements(a + "entry"), e => e.Element(a + "title")!.Value == "Delhi begins dengue vaccination for children in 40 high-burden wards");
        using var json = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "editions/india/feed.json").Url));
        Assert.Equal("https://jsonfeed.org/version/1.1", json.RootElement.GetProperty("version").GetString());
        Assert.Contains(json.RootElement.GetProperty("items").EnumerateArray(), i => i.GetProperty("content_html").GetString()!.Contains("<p>", StringComparison.Ordinal));
        var index = await Http.GetStringAsync(feeds.Single(f => f.Path == "index.html").Url);
        Assert.Contains("rel=\"alternate\"", index, StringComparison.Ordinal);
        Assert.Contains("editions/india/atom.xml", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_websub_hub_is_advertised_and_pinged_once_per_changed_feed_and_never_for_unchanged_ones()
    {
        await using var hub = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?> { ["Syndication:Feeds:HubUrl"] = hub.Url("hub").AbsoluteUri });
        await pipeline.DropAndIngestAsync("2026-11-23-grid-storage.md", File.ReadAllBytes(Repository.Sample("articles", "2026-11-23-grid-storage.md")));

        var first = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var pings = hub.Requests.Select(r => Uri.UnescapeDataString(r.Body)).ToList();
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var afterNothingNew = hub.Requests.Count;
        await pipeline.Feeds.BuildAsync(rebuildAll: true, CancellationToken.None); // writes the feeds of empty scopes once
        var afterFirstRebuild = hub.Requests.Count;
        await pipeline.Feeds.BuildAsync(rebuildAll: true, CancellationToken.None);

        // Feeds only: not the directory, the sitemaps, nor archive pages (nobody subscribes to those).
        var changedFeeds = first.Where(f => f.Written && !f.Archive && f.Path is not ("index.html" or "feeds.opml" or "sitemap.xml") && !f.Path.StartsWith("sitemaps/", StringComparison.Ordinal)).Select(f => f.Url.AbsoluteUri).ToList();
        Assert.Contains(first, f => f.Written && f.Archive);
        Assert.Equal(changedFeeds.Order(), pings.Select(p => p["hub.mode=publish&hub.url=".Length..]).Order());
        Assert.Contains(pings, p => p.EndsWith("/feeds/rss.xml", StringComparison.Ordinal));
        Assert.Equal(pings.Count, afterNothingNew);
        Assert.Equal(afterFirstRebuild, hub.Requests.Count); // nothing changed bytes, so nothing was pinged
        var rss = await Http.GetStringAsync(first.Single(f => f.Path == "rss.xml").Url);
        Assert.Contains($"href=\"{hub.Url("hub").AbsoluteUri}\" rel=\"hub\"", rss, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_public_base_url_is_the_self_link()
    {
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?> { ["Syndication:Feeds:PublicBaseUrl"] = "https://feeds.news.example.com/" });
        await IngestSamplesAsync(pipeline);

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        Assert.Equal(new Uri("https://feeds.news.example.com/editions/india/rss.xml"), feeds.Single(f => f.Path == "editions/india/rss.xml").Url);
    }

    [Fact]
    public async Task A_flood_of_tellings_of_one_story_shows_it_once_and_is_read_past_a_thousand_rows_a_request()
    {
        // 1,200 near-identical tellings of one wire story in the last hours (sent again and again),
        // behind them 60 stories of their own: the feed shows the story once and the 49 newest
        // others, reading the flood 1,000 rows a request rather than 100.
        await using var pipeline = await TestPipeline.StartAsync();
        var now = pipeline.Clock.GetUtcNow();
        var wire = string.Join(' ', Enumerable.Range(1, 8).Select(i =>
            $"Paragraph {i}: the port authority said the second container terminal would double capacity and cut waiting times for ships at anchor by half."));
        for (var i = 0; i < 1_260; i++)
        {
            var flood = i < 1_200;
            var outcome = await pipeline.Ingest.IngestDraftAsync(
                new Syndication.Core.Ingestion.ArticleDraft
                {
                    SourceKey = $"urn:test:flood:{i}",
                    Headline = flood ? $"Port opens second terminal ({i})" : $"Story {i - 1_200} of its own",
                    BodyHtml = flood
                        ? $"<p>{wire} Sent again, number {i}.</p>"
                        : $"<p>Story {i - 1_200}: {string.Join(' ', Enumerable.Repeat($"word{i}", (i % 9) + 3))} and nothing else alike.</p>",
                    Created = flood ? now.AddSeconds(-10 * (i + 1)) : now.AddHours(-4 - (i - 1_200)),
                },
                origin: $"flood-{i}",
                CancellationToken.None);
            Assert.Equal(IngestResult.Accepted, outcome.Result);
        }

        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        pipeline.Counter.Reset();
        var newest = await pipeline.Index.NewestAsync(Syndication.Core.Feeds.FeedScopes.All, 50, CancellationToken.None);

        Assert.Equal(["Port opens second terminal (0)", .. Enumerable.Range(0, 49).Select(i => $"Story {i} of its own")], newest.Select(e => e.Headline));
        // 100 rows, then 1,000, then the rest: 13 requests at 100 rows each.
        Assert.Equal(3, pipeline.Counter.Total);
    }

    [Fact]
    public async Task A_hundred_long_hindi_articles_in_one_edition_are_indexed_and_published()
    {
        // 100 rows of 25,000 Devanagari characters are 7.5 MB of UTF-8: over the 4 MiB a Table
        // transaction takes, so the index must split them (Azurite refuses it as Azure does).
        await using var pipeline = await TestPipeline.StartAsync();
        string[] words = ["दिल्ली", "डेंगू", "टीकाकरण", "बच्चों", "अस्पताल", "सरकार", "मौसम", "बारिश", "किसान", "बाजार", "शिक्षा", "रेल", "बिजली", "पानी", "अदालत", "चुनाव"];
        for (var i = 0; i < 100; i++)
        {
            // Different words in a different order for each story, so none is a near duplicate of another.
            var random = new Random(i);
            var paragraph = string.Join(' ', Enumerable.Range(0, 5_000).Select(_ => words[random.Next(words.Length)]));
            var outcome = await pipeline.Ingest.IngestDraftAsync(
                new Syndication.Core.Ingestion.ArticleDraft
                {
                    SourceKey = $"urn:test:hindi:{i}",
                    Headline = $"डेंगू टीकाकरण: दिन {i}",
                    BodyHtml = $"<p>{paragraph[..25_000]}</p>",
                    Created = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero).AddMinutes(-i),
                    Editions = ["india"],
                    Language = "hi",
                },
                origin: $"hindi-{i}",
                CancellationToken.None);
            Assert.Equal(IngestResult.Accepted, outcome.Result);
        }

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        var india = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "editions/india/rss.xml").Url));
        Assert.Equal(50, india.Root!.Element("channel")!.Elements("item").Count());
        Assert.Equal("डेंगू टीकाकरण: दिन 0", india.Root.Element("channel")!.Element("item")!.Element("title")!.Value);
    }

    [Fact]
    public async Task A_month_of_articles_kept_in_day_partitions_comes_back_newest_first_across_the_days()
    {
        // One story every 11 hours for a month, in the writers' own time zones: the index keeps each
        // scope's rows in one partition per UTC day, and a feed reads across them newest first.
        await using var pipeline = await TestPipeline.StartAsync();
        var newest = pipeline.Clock.GetUtcNow().AddHours(-1);
        for (var i = 0; i < 66; i++)
        {
            var offset = TimeSpan.FromHours(i % 3 == 0 ? 5.5 : i % 3 == 1 ? -5 : 0);
            var outcome = await pipeline.Ingest.IngestDraftAsync(
                new Syndication.Core.Ingestion.ArticleDraft
                {
                    SourceKey = $"urn:test:month:{i}",
                    Headline = $"Story {i} of the month",
                    BodyHtml = $"<p>Story number {i}, told in {string.Join(' ', Enumerable.Repeat(i.ToString(System.Globalization.CultureInfo.InvariantCulture), i % 7 + 1))} words of its own.</p>",
                    Created = newest.AddHours(-11 * i).ToOffset(offset),
                    Editions = ["india"],
                    Sectors = i % 5 == 0 ? ["health"] : ["economy"],
                },
                origin: $"month-{i}",
                CancellationToken.None);
            Assert.Equal(IngestResult.Accepted, outcome.Result);
        }

        var feeds = await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        var all = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "rss.xml").Url));
        var titles = all.Root!.Element("channel")!.Elements("item").Select(i => i.Element("title")!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"Story {i} of the month"), titles);

        // A sparse scope (one story in five) reaches back the whole month for its items.
        var health = XDocument.Parse(await Http.GetStringAsync(feeds.Single(f => f.Path == "sectors/health/rss.xml").Url));
        var healthTitles = health.Root!.Element("channel")!.Elements("item").Select(i => i.Element("title")!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 66).Where(i => i % 5 == 0).Select(i => $"Story {i} of the month"), healthTitles);

        var index = pipeline.Storage.Table(StorageNames.ArticleIndexTable);
        var allPartitions = index.Query<TableEntity>(e => e.RowKey.CompareTo("") > 0).Select(e => e.PartitionKey).Where(p => p.StartsWith("all|", StringComparison.Ordinal)).ToHashSet();
        var days = Enumerable.Range(0, 66).Select(i => DateOnly.FromDateTime(newest.AddHours(-11 * i).UtcDateTime)).ToHashSet();
        Assert.Equal(days.Count, allPartitions.Count);
    }
}
