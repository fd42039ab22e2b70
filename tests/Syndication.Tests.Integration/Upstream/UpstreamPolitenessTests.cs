using System.Globalization;
using Microsoft.AspNetCore.Http;
using Syndication.Adapters.Upstream;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Upstream;

/// <summary>What an agency's server sees of us: when we come back, what we send back, where we never go.</summary>
public sealed class UpstreamPolitenessTests
{
    /// <summary>The test clock's start: Wednesday 25 November 2026, 09:00 UTC.</summary>
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static string Rss(string channelExtras, params string[] guids) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0">
          <channel>
            <title>Wire</title>
            <link>https://wire.example.org/</link>
            <description>Wire copy</description>
            {channelExtras}
            {string.Concat(guids.Select(g => $"<item><title>Story {g}</title><guid isPermaLink=\"false\">{g}</guid><pubDate>Tue, 24 Nov 2026 12:00:00 GMT</pubDate><description>Text of story {g}.</description></item>"))}
          </channel>
        </rss>
        """;

    private static Dictionary<string, string?> Settings(params (string Name, Uri Url)[] feeds)
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
        }

        return settings;
    }

    [Theory]
    [InlineData("<ttl>45</ttl>", "max-age=600", 45)] // the feed's ttl is longer than the server's max-age: the longer wins
    [InlineData("<ttl>10</ttl>", "max-age=3600", 60)] // and the other way round
    [InlineData("", "no-cache", 5)] // nothing said: the floor
    [InlineData("<ttl>1</ttl>", "max-age=30", 5)] // sooner than the floor is not asked of us
    [InlineData("<ttl>1440</ttl>", "", 120)] // later than the ceiling is not waited
    [InlineData("<skipHours><hour>9</hour><hour>10</hour></skipHours>", "", 120)] // 09:05 and 10:00 skipped: 11:00
    public async Task The_next_poll_honours_the_feeds_ttl_and_the_servers_freshness_within_the_floor_and_ceiling(string channel, string cacheControl, int minutes)
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            if (cacheControl.Length > 0)
            {
                context.Response.Headers.CacheControl = cacheControl;
            }

            return context.Response.WriteAsync(Rss(channel, "s1"));
        });
        await using var pipeline = await TestPipeline.StartAsync(Settings(("wire", server.Url("wire.xml"))));

        var poll = Assert.Single(await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None));

        Assert.Equal(PollResult.Fetched, poll.Result);
        Assert.Equal(Start.AddMinutes(minutes), poll.NextPollAfter);
    }

    [Fact]
    public async Task Skipped_days_and_hours_are_kept_past_a_304_and_the_expires_header_counts()
    {
        var polls = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            if (Interlocked.Increment(ref polls) > 1)
            {
                // A 304 carries no feed: what the feed said about skipping is remembered.
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            context.Response.Headers.ETag = "\"v1\"";
            context.Response.Headers.Date = Start.ToString("R", CultureInfo.InvariantCulture);
            context.Response.Headers.Expires = Start.AddMinutes(20).ToString("R", CultureInfo.InvariantCulture);
            return context.Response.WriteAsync(Rss("<skipDays><day>Thursday</day></skipDays><skipHours><hour>0</hour><hour>1</hour><hour>23</hour></skipHours>", "s1"));
        });
        var settings = Settings(("wire", server.Url("wire.xml")));
        settings["Syndication:Upstream:MaxIntervalMinutes"] = "2880";
        await using var pipeline = await TestPipeline.StartAsync(settings);
        var stage = pipeline.Get<UpstreamStage>();

        var first = Assert.Single(await stage.PollAsync(force: false, CancellationToken.None));
        pipeline.Clock.Advance(TimeSpan.FromHours(13) + TimeSpan.FromMinutes(50)); // Wednesday 22:50
        var second = Assert.Single(await stage.PollAsync(force: false, CancellationToken.None));

        Assert.Equal(Start.AddMinutes(20), first.NextPollAfter); // Expires, 20 minutes after the server's Date
        Assert.Equal(PollResult.NotModified, second.Result);
        // 22:55 is in a skipped hour, Thursday is a skipped day, Friday 00:00 and 01:00 are skipped hours.
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero), second.NextPollAfter);
    }

    [Fact]
    public async Task A_changed_etag_with_an_unchanged_last_modified_is_a_change()
    {
        // The server answers as RFC 9110 says: If-None-Match, when sent, decides, and If-Modified-Since is ignored.
        // Its ETags are unquoted, as some servers send them: they still go back as they came.
        var version = 1;
        const string LastModified = "Tue, 24 Nov 2026 12:00:00 GMT";
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            var etag = $"5f3a-v{Volatile.Read(ref version)}";
            var request = context.Request.Headers;
            var unchanged = request.IfNoneMatch.Count > 0
                ? request.IfNoneMatch == etag
                : request.IfModifiedSince == LastModified;
            if (unchanged)
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            context.Response.Headers.ETag = etag;
            context.Response.Headers.LastModified = LastModified;
            return context.Response.WriteAsync(Volatile.Read(ref version) == 1 ? Rss("", "s1") : Rss("", "s1", "s2"));
        });
        await using var pipeline = await TestPipeline.StartAsync(Settings(("wire", server.Url("wire.xml"))));
        var stage = pipeline.Get<UpstreamStage>();

        await stage.PollAsync(force: false, CancellationToken.None);
        pipeline.Clock.Advance(TimeSpan.FromMinutes(6));
        var same = Assert.Single(await stage.PollAsync(force: false, CancellationToken.None));
        Interlocked.Increment(ref version);
        pipeline.Clock.Advance(TimeSpan.FromMinutes(6));
        var changed = Assert.Single(await stage.PollAsync(force: false, CancellationToken.None));

        Assert.Equal(PollResult.NotModified, same.Result);
        Assert.Equal(PollResult.Fetched, changed.Result);
        Assert.Equal(1, changed.Count(IngestResult.Accepted)); // s2
        var state = (await pipeline.Get<UpstreamStateStore>().ReadAllAsync(CancellationToken.None))["wire"];
        Assert.Equal(("5f3a-v2", LastModified), (state.ETag, state.LastModified));
    }

    [Fact]
    public async Task Two_feeds_of_one_agency_host_are_polled_one_after_the_other_with_a_gap()
    {
        var inFlight = 0;
        var most = 0;
        var ends = new System.Collections.Concurrent.ConcurrentQueue<(long Start, long End)>();
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            var open = Interlocked.Increment(ref inFlight);
            if (open > Volatile.Read(ref most))
            {
                Volatile.Write(ref most, open);
            }

            await Task.Delay(100);
            await context.Response.WriteAsync(Rss("", context.Request.Path.Value!.Trim('/')));
            await context.Response.CompleteAsync();
            Interlocked.Decrement(ref inFlight);
            ends.Enqueue((start, System.Diagnostics.Stopwatch.GetTimestamp()));
        });
        var resolver = new TestResolver();
        var settings = Settings(
            ("world", TestResolver.At(server, "wire.test", "world")),
            ("business", TestResolver.At(server, "wire.test", "business")),
            ("sport", TestResolver.At(server, "wire.test", "sport")));
        settings["Syndication:Upstream:HostGapMilliseconds"] = "250";
        await using var pipeline = await TestPipeline.StartAsync(settings, configure: resolver.Register);

        var polls = await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None);

        Assert.All(polls, p => Assert.Equal(PollResult.Fetched, p.Result));
        Assert.Equal(1, most);
        var spans = ends.OrderBy(e => e.Start).ToArray();
        Assert.All(spans.Zip(spans.Skip(1)), p => Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(p.First.End, p.Second.Start) >= TimeSpan.FromMilliseconds(230)));
    }

    [Fact]
    public async Task A_feed_whose_name_resolves_to_the_metadata_address_fails_with_the_reason_and_the_others_are_polled()
    {
        await using var server = await LoopbackServer.StartAsync(context => context.Response.WriteAsync(Rss("", "s1")));
        var resolver = new TestResolver(("metadata.test", "169.254.169.254"), ("nat64.test", "64:ff9b::a83f:8110"));
        await using var pipeline = await TestPipeline.StartAsync(
            Settings(
                ("good", TestResolver.At(server, "wire.test", "wire.xml")),
                ("imds", TestResolver.At(server, "metadata.test", "wire.xml")),
                ("wireserver", TestResolver.At(server, "nat64.test", "wire.xml"))),
            configure: resolver.Register);

        var polls = await pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None);

        Assert.Equal(PollResult.Fetched, polls.Single(p => p.Feed == "good").Result);
        Assert.Contains("169.254.169.254 is the cloud platform's own address", polls.Single(p => p.Feed == "imds").Error, StringComparison.Ordinal);
        Assert.Contains("64:ff9b::a83f:8110 is the cloud platform's own address 168.63.129.16", polls.Single(p => p.Feed == "wireserver").Error, StringComparison.Ordinal);
        Assert.Single(server.Requests); // only the good feed's
        var states = await pipeline.Get<UpstreamStateStore>().ReadAllAsync(CancellationToken.None);
        Assert.Equal(1, states["imds"].ConsecutiveFailures);
    }
}
