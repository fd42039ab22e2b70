using Microsoft.AspNetCore.Http;
using Syndication.Adapters.Storage;
using Syndication.Adapters.Upstream;
using Syndication.Core.Articles;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Upstream;

public sealed class UpstreamStageTests
{
    /// <summary>A small agency feed written for this test, with an IST date and a tracking parameter.</summary>
    private const string AgencyRss = """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
          <channel>
            <title>Agency wire</title>
            <link>https://wire.example.org/</link>
            <description>Wire copy</description>
            <item>
              <title>Port authority opens second container terminal</title>
              <link>https://wire.example.org/port-terminal?utm_source=rss</link>
              <guid isPermaLink="false">wire-1001</guid>
              <pubDate>Tue, 24 Nov 2026 17:22:00 +0530</pubDate>
              <dc:creator>Wire Desk</dc:creator>
              <category>Economy &amp; Business</category>
              <description><![CDATA[<p>The terminal doubles capacity.</p><img src="https://wire.example.org/px.gif" width="1" height="1">]]></description>
            </item>
            <item>
              <title>Rail freight volumes rise for third month</title>
              <link>https://wire.example.org/rail-freight</link>
              <guid isPermaLink="false">wire-1002</guid>
              <pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate>
              <description>Freight operators reported higher volumes.</description>
            </item>
          </channel>
        </rss>
        """;

    private static Dictionary<string, string?> Feeds(params (string Name, Uri Url)[] feeds)
    {
        var settings = new Dictionary<string, string?> { ["Syndication:Upstream:AllowPrivateNetworks"] = "true", ["Syndication:Upstream:TimeoutSeconds"] = "5", ["Syndication:Upstream:HostGapMilliseconds"] = "0" };
        for (var i = 0; i < feeds.Length; i++)
        {
            settings[$"Syndication:Upstream:Feeds:{i}:Name"] = feeds[i].Name;
            settings[$"Syndication:Upstream:Feeds:{i}:Url"] = feeds[i].Url.AbsoluteUri;
            settings[$"Syndication:Upstream:Feeds:{i}:Agency"] = "Example Wire";
            settings[$"Syndication:Upstream:Feeds:{i}:Editions:0"] = "india";
            settings[$"Syndication:Upstream:Feeds:{i}:Sectors:0"] = "transport";
        }

        return settings;
    }

    private static Task<LoopbackServer> AgencyServerAsync() => LoopbackServer.StartAsync(async context =>
    {
        if (context.Request.Headers.IfNoneMatch == "\"wire-v1\"")
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.Headers.ETag = "\"wire-v1\"";
        context.Response.ContentType = "application/rss+xml; charset=utf-8";
        await context.Response.WriteAsync(AgencyRss);
    });

    [Fact]
    public async Task A_polled_feed_becomes_articles_placed_by_its_configuration_and_its_document_is_archived()
    {
        await using var server = await AgencyServerAsync();
        await using var pipeline = await TestPipeline.StartAsync(Feeds(("wire", server.Url("wire.xml"))));

        var poll = Assert.Single(await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None));

        Assert.Equal(PollResult.Fetched, poll.Result);
        Assert.Equal(2, poll.Count(IngestResult.Accepted));
        var article = (await pipeline.Articles.GetAsync(ArticleIdentity.IdFor("wire", "wire-1001"), CancellationToken.None))!.Article;
        Assert.Equal("Port authority opens second container terminal", article.Headline);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 11, 52, 0, TimeSpan.Zero), article.Created);
        Assert.Equal("Example Wire", article.Attribution);
        Assert.Contains("india", article.Editions);
        Assert.Contains("transport", article.Sectors);
        Assert.Contains("economy", article.Sectors); // from its category, named like the sector
        Assert.DoesNotContain("economy", (await pipeline.Articles.GetAsync(ArticleIdentity.IdFor("wire", "wire-1002"), CancellationToken.None))!.Article.Sectors);
        Assert.DoesNotContain("px.gif", article.BodyHtml, StringComparison.Ordinal);
        Assert.Equal("https://wire.example.org/port-terminal", article.SourceUrl?.ToString().TrimEnd('/'));
        var archived = Assert.Single(pipeline.Storage.Container(StorageNames.ArchiveContainer).GetBlobs());
        Assert.Contains("upstream/wire/", archived.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_next_poll_is_conditional_and_a_304_ingests_nothing()
    {
        await using var server = await AgencyServerAsync();
        await using var pipeline = await TestPipeline.StartAsync(Feeds(("wire", server.Url("wire.xml"))));
        var stage = pipeline.Get<UpstreamStage>();
        await stage.PollAsync(force: false, CancellationToken.None);

        var early = Assert.Single(await stage.PollAsync(force: false, CancellationToken.None));
        pipeline.Clock.Advance(TimeSpan.FromMinutes(6));
        var due = Assert.Single(await stage.PollAsync(force: false, CancellationToken.None));

        Assert.Equal(PollResult.Skipped, early.Result);
        Assert.Equal(PollResult.NotModified, due.Result);
        Assert.Empty(due.Items);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("\"wire-v1\"", server.Requests.Last().Headers["If-None-Match"]);
    }

    [Fact]
    public async Task A_failing_feed_is_backed_off_and_does_not_stop_the_others()
    {
        await using var good = await AgencyServerAsync();
        await using var bad = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        await using var pipeline = await TestPipeline.StartAsync(Feeds(("broken", bad.Url("feed")), ("wire", good.Url("wire.xml"))));
        var stage = pipeline.Get<UpstreamStage>();

        var first = await stage.PollAsync(force: false, CancellationToken.None);
        pipeline.Clock.Advance(TimeSpan.FromMinutes(6));
        var second = await stage.PollAsync(force: false, CancellationToken.None);
        pipeline.Clock.Advance(TimeSpan.FromMinutes(6));
        var third = await stage.PollAsync(force: false, CancellationToken.None);

        Assert.Equal(PollResult.Failed, first.Single(p => p.Feed == "broken").Result);
        Assert.Equal("HTTP 503 Service Unavailable.", first.Single(p => p.Feed == "broken").Error);
        Assert.Equal(PollResult.Fetched, first.Single(p => p.Feed == "wire").Result);
        Assert.Equal(PollResult.Failed, second.Single(p => p.Feed == "broken").Result);
        Assert.Equal(PollResult.Skipped, third.Single(p => p.Feed == "broken").Result); // 2nd failure: 10 minutes of back-off
        Assert.Equal(2, bad.Requests.Count);
        var state = (await pipeline.Get<UpstreamStateStore>().ReadAllAsync(CancellationToken.None))["broken"];
        Assert.Equal(2, state.ConsecutiveFailures);
        Assert.Equal("HTTP 503 Service Unavailable.", state.LastError);
    }

    [Fact]
    public async Task Too_many_requests_waits_as_long_as_the_server_asks()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "3600";
            return Task.CompletedTask;
        });
        await using var pipeline = await TestPipeline.StartAsync(Feeds(("busy", server.Url("feed"))));

        var poll = Assert.Single(await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None));

        Assert.Equal(PollResult.Failed, poll.Result);
        Assert.Equal(pipeline.Clock.GetUtcNow().AddHours(1), poll.NextPollAfter);
    }

    [Fact]
    public async Task A_document_that_is_not_a_feed_is_kept_in_rejected_with_the_reason()
    {
        await using var server = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("<html><body>Maintenance</body></html"));
        await using var pipeline = await TestPipeline.StartAsync(Feeds(("garbage", server.Url("feed"))));

        var poll = Assert.Single(await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None));

        Assert.Equal(PollResult.Failed, poll.Result);
        Assert.StartsWith("Not a readable feed", poll.Error, StringComparison.Ordinal);
        var rejected = pipeline.Storage.Container(StorageNames.RejectedContainer).GetBlobs().Select(b => b.Name).ToList();
        Assert.Contains(rejected, n => n.StartsWith("upstream/garbage/", StringComparison.Ordinal) && n.EndsWith(".xml", StringComparison.Ordinal));
        Assert.Contains(rejected, n => n.EndsWith(".xml.error.json", StringComparison.Ordinal));
    }

    [CorpusFact]
    public async Task A_real_agency_feed_ingests_every_item_that_has_text()
    {
        var bytes = await File.ReadAllBytesAsync(Repository.CorpusFile("upstream-feeds", "feedreader-Rss20Reuters.xml"));
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/rss+xml";
            return context.Response.Body.WriteAsync(bytes).AsTask();
        });
        await using var pipeline = await TestPipeline.StartAsync(Feeds(("reuters", server.Url("world.xml"))));

        var poll = Assert.Single(await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None));
        var parsed = Syndication.Core.Ingestion.Feeds.FeedReader.Read(bytes);

        Assert.Equal(PollResult.Fetched, poll.Result);
        Assert.Equal(parsed.Entries.Count, poll.Items.Count);
        Assert.True(poll.Count(IngestResult.Accepted) > 0);
        Assert.All(poll.Items.Where(i => i.Result == IngestResult.Rejected), i => Assert.False(string.IsNullOrEmpty(i.Rejection!.Reason)));
    }
}
