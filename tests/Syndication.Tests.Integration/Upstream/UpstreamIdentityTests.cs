using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Syndication.Core.Articles;
using Syndication.Core.Ingestion;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Upstream;

/// <summary>A guid names a story only within its source: two agencies' "wire-1001" are two stories.</summary>
public sealed class UpstreamIdentityTests
{
    private const string Guid = "wire-1001";

    private const string Body = "The new terminal doubles the port's container capacity and opens to ships next week, the port authority said on Tuesday, after three years of building.";

    private static string Rss(string agency, string link) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0">
          <channel>
            <title>{agency} wire</title>
            <link>https://{link}/</link>
            <description>Wire copy</description>
            <item>
              <title>Port authority opens second container terminal</title>
              <link>https://{link}/port-terminal</link>
              <guid isPermaLink="false">{Guid}</guid>
              <pubDate>Tue, 24 Nov 2026 12:00:00 GMT</pubDate>
              <description>{Body}</description>
            </item>
          </channel>
        </rss>
        """;

    private static Task<LoopbackServer> AgencyAsync(string agency, string link) =>
        LoopbackServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/rss+xml; charset=utf-8";
            return context.Response.WriteAsync(Rss(agency, link));
        });

    private static Dictionary<string, string?> Feeds(params (string Name, Uri Url, string Agency, string? Source)[] feeds)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Syndication:Upstream:AllowPrivateNetworks"] = "true",
            ["Syndication:Upstream:TimeoutSeconds"] = "5",
            ["Syndication:Upstream:HostGapMilliseconds"] = "0",
        };
        for (var i = 0; i < feeds.Length; i++)
        {
            settings[$"Syndication:Upstream:Feeds:{i}:Name"] = feeds[i].Name;
            settings[$"Syndication:Upstream:Feeds:{i}:Url"] = feeds[i].Url.AbsoluteUri;
            settings[$"Syndication:Upstream:Feeds:{i}:Agency"] = feeds[i].Agency;
            settings[$"Syndication:Upstream:Feeds:{i}:Source"] = feeds[i].Source;
        }

        return settings;
    }

    [Fact]
    public async Task The_same_guid_from_two_agencies_and_the_same_uri_dropped_by_an_editor_are_three_stories_clustered_as_one()
    {
        await using var first = await AgencyAsync("First Agency", "first.example.org");
        await using var second = await AgencyAsync("Second Agency", "second.example.org");
        await using var pipeline = await TestPipeline.StartAsync(Feeds(
            ("first", first.Url("wire.xml"), "First Agency", null),
            ("second", second.Url("wire.xml"), "Second Agency", null)));
        var dropped = await pipeline.DropAndIngestAsync("port-terminal.md", Encoding.UTF8.GetBytes($"""
            ---
            uri: "{Guid}"
            headline: "Port authority opens second container terminal"
            editions: [global]
            created: 2026-11-24T12:00:00Z
            ---

            {Body}
            """));

        var polls = await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None);
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);

        var fromFirst = Assert.Single(polls.Single(p => p.Feed == "first").Items);
        var fromSecond = Assert.Single(polls.Single(p => p.Feed == "second").Items);
        Assert.Equal(IngestResult.Accepted, dropped.Result);
        Assert.Equal(IngestResult.Accepted, fromFirst.Result); // not an update of the editor's story
        Assert.Equal(IngestResult.Accepted, fromSecond.Result); // nor of the first agency's
        Assert.Equal(ArticleIdentity.IdFor(Guid), dropped.ArticleId);
        Assert.Equal(ArticleIdentity.IdFor("first", Guid), fromFirst.ArticleId);
        Assert.Equal(ArticleIdentity.IdFor("second", Guid), fromSecond.ArticleId);
        Assert.Equal(3, new[] { dropped.ArticleId, fromFirst.ArticleId, fromSecond.ArticleId }.Distinct().Count());

        // Each story is its source's own, at version 1, and says whose it is.
        var stories = new Dictionary<string, Article>();
        foreach (var id in new[] { dropped.ArticleId!, fromFirst.ArticleId!, fromSecond.ArticleId! })
        {
            stories[id] = (await pipeline.Articles.GetAsync(id, CancellationToken.None))!.Article;
        }

        Assert.All(stories.Values, a => Assert.Equal(1, a.Version));
        Assert.Equal("First Agency", stories[fromFirst.ArticleId!].Attribution);
        Assert.Equal("Second Agency", stories[fromSecond.ArticleId!].Attribution);
        Assert.Equal([null, "first", "second"], stories.Values.Select(a => a.Source).Order());

        // The same story three times: one near-duplicate cluster, so a feed shows it once.
        var recent = await pipeline.Index.RecentAsync(DateTimeOffset.Parse("2026-11-20T00:00:00Z", CultureInfo.InvariantCulture), CancellationToken.None);
        Assert.Single(recent.Where(r => stories.ContainsKey(r.Id)).Select(r => r.ClusterId).Distinct());
        Assert.Equal(3, recent.Count(r => stories.ContainsKey(r.Id)));
    }

    [Fact]
    public async Task Two_feeds_declared_one_source_share_their_stories()
    {
        await using var rss = await AgencyAsync("Wire", "wire.example.org");
        await using var other = await AgencyAsync("Wire", "wire.example.org");
        await using var pipeline = await TestPipeline.StartAsync(Feeds(
            ("wire-rss", rss.Url("wire.xml"), "Wire", "wire"),
            ("wire-mirror", other.Url("wire.xml"), "Wire", "wire")));
        var stage = pipeline.Get<UpstreamStage>();

        var polls = await stage.PollAsync(force: false, CancellationToken.None);

        var items = polls.SelectMany(p => p.Items).ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(ArticleIdentity.IdFor("wire", Guid), i.ArticleId));
        Assert.Equal([IngestResult.Accepted, IngestResult.Unchanged], items.Select(i => i.Result).Order());
    }

    [Fact]
    public async Task A_story_stored_before_sources_had_namespaces_keeps_its_id_and_another_agencys_guid_does_not_touch_it()
    {
        await using var wire = await AgencyAsync("Wire", "wire.example.org");
        await using var other = await AgencyAsync("Other", "other.example.org");
        await using var pipeline = await TestPipeline.StartAsync(Feeds(
            ("other", other.Url("wire.xml"), "Other", null),
            ("wire", wire.Url("wire.xml"), "Wire", null)));

        // What the previous version stored for the feed "wire": the id of the guid alone, no source, the feed in its origin.
        var before = await pipeline.Ingest.IngestDraftAsync(
            new ArticleDraft { SourceKey = Guid, Headline = "Port authority opens second container terminal", BodyHtml = $"<p>{Body}</p>", Attribution = "Wire" },
            "wire: https://wire.example.org/port-terminal",
            CancellationToken.None);
        var stored = await pipeline.Articles.GetAsync(ArticleIdentity.IdFor(Guid), CancellationToken.None);
        var editorsDrop = await pipeline.DropAndIngestAsync("same-uri.md", Encoding.UTF8.GetBytes($"---\nuri: \"{Guid}\"\nheadline: \"An editor's story\"\n---\n\nText.\n"));

        var polls = await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None);
        pipeline.Clock.Advance(TimeSpan.FromHours(1));
        var again = await pipeline.Get<UpstreamStage>().PollAsync(force: true, CancellationToken.None);

        Assert.Equal(IngestResult.Accepted, before.Result);
        Assert.Null(stored!.Article.Source);
        Assert.Equal(IngestResult.Rejected, editorsDrop.Result); // the agency's story is not the drop zone's to update
        Assert.Contains($"collides with another story ('{Guid}')", editorsDrop.Rejection!.Reason, StringComparison.Ordinal);
        var fromWire = Assert.Single(polls.Single(p => p.Feed == "wire").Items);
        var fromOther = Assert.Single(polls.Single(p => p.Feed == "other").Items);
        Assert.Equal((IngestResult.Updated, ArticleIdentity.IdFor(Guid)), (fromWire.Result, fromWire.ArticleId));
        Assert.Equal((IngestResult.Accepted, ArticleIdentity.IdFor("other", Guid)), (fromOther.Result, fromOther.ArticleId));
        var kept = (await pipeline.Articles.GetAsync(ArticleIdentity.IdFor(Guid), CancellationToken.None))!.Article;
        Assert.Equal((stored.Article.Slug, stored.Article.Url, stored.Article.Created, 2, "wire", "Wire"), (kept.Slug, kept.Url, kept.Created, kept.Version, kept.Source, kept.Attribution));

        // Polled again: still that id, nothing new.
        Assert.All(again.SelectMany(p => p.Items), i => Assert.Equal(IngestResult.Unchanged, i.Result));
        Assert.Equal(ArticleIdentity.IdFor(Guid), again.Single(p => p.Feed == "wire").Items.Single().ArticleId);
        Assert.Null(await pipeline.Articles.GetAsync(ArticleIdentity.IdFor("wire", Guid), CancellationToken.None));
    }
}
