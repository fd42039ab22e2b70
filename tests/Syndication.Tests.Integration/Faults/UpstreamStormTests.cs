using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Syndication.Adapters.Storage;
using Syndication.Adapters.Upstream;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Syndication.Tests.Faults;

/// <summary>One poll of many agency feeds at once, a dozen of them broken in every way a server can be.</summary>
public sealed class UpstreamStormTests(ITestOutputHelper output)
{
    private const int TimeoutSeconds = 2;
    private const int MaxBytes = 256 * 1024;
    private const int MaxRedirects = 3;

    /// <summary>The stage's own limit of feeds polled at once (UpstreamStage.MaxFeedsAtOnce).</summary>
    private const int Parallelism = 4;

    private const int HealthyPerFormat = 10;

    /// <summary>The broken feeds, each with the start of the reason its poll must give.</summary>
    private static readonly (string Name, string Reason)[] Broken =
    [
        ("slow", $"No complete answer within {TimeoutSeconds} seconds."),
        ("trickle", $"No complete answer within {TimeoutSeconds} seconds."),
        ("garbage", "Not a readable feed"),
        ("huge", "The feed declares 5,368,709,120 bytes, over the limit of 262,144."),
        ("endless", "The feed sent more than the limit of 262,144 bytes."),
        ("gzip-bomb", "The feed sent more than the limit of 262,144 bytes."),
        ("loop", $"More than {MaxRedirects} redirects"),
        ("busy", "HTTP 429 Too Many Requests."),
        ("busy-until", "HTTP 429 Too Many Requests."),
        ("error-1", "HTTP 500 Internal Server Error."),
        ("error-2", "HTTP 500 Internal Server Error."),
        ("gone", "HTTP 404 Not Found."),
    ];

    private static string[] Healthy =>
    [
        .. Enumerable.Range(0, HealthyPerFormat).Select(i => $"rss-{i}"),
        .. Enumerable.Range(0, HealthyPerFormat).Select(i => $"atom-{i}"),
        .. Enumerable.Range(0, HealthyPerFormat).Select(i => $"json-{i}"),
    ];

    [Fact]
    public async Task One_poll_of_42_feeds_through_slow_huge_endless_garbage_looping_and_refusing_servers_stays_in_its_limits_and_ingests_every_healthy_feed()
    {
        var server = new StormServer();
        await using var loopback = await LoopbackServer.StartAsync(server.HandleAsync, recordRequests: false);
        var feeds = Healthy.Concat(Broken.Select(b => b.Name)).ToList();
        var settings = new Dictionary<string, string?>
        {
            ["Syndication:Upstream:AllowPrivateNetworks"] = "true",
            ["Syndication:Upstream:TimeoutSeconds"] = TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["Syndication:Upstream:MaxBytes"] = MaxBytes.ToString(CultureInfo.InvariantCulture),
            ["Syndication:Upstream:MaxRedirects"] = MaxRedirects.ToString(CultureInfo.InvariantCulture),
            ["Syndication:Upstream:HostGapMilliseconds"] = "100",
        };
        for (var i = 0; i < feeds.Count; i++)
        {
            settings[$"Syndication:Upstream:Feeds:{i}:Name"] = feeds[i];
            // Each agency its own host (all of them 127.0.0.1 through the test's resolver): requests to one host never overlap.
            settings[$"Syndication:Upstream:Feeds:{i}:Url"] = TestResolver.At(loopback, $"{feeds[i]}.storm.test", feeds[i] == "loop" ? "loop/a" : feeds[i]).AbsoluteUri;
            settings[$"Syndication:Upstream:Feeds:{i}:Agency"] = "Storm Wire";
            settings[$"Syndication:Upstream:Feeds:{i}:Editions:0"] = "india";
        }

        await using var pipeline = await TestPipeline.StartAsync(settings, configure: new TestResolver().Register);
        var stage = pipeline.Get<UpstreamStage>();
        var now = pipeline.Clock.GetUtcNow();

        // Every feed costs at most the timeout, and the stage polls four at a time: this is the
        // longest a poll may take, with room for ingesting the healthy feeds' items on a busy machine.
        var bound = TimeSpan.FromSeconds((Math.Ceiling(feeds.Count / (double)Parallelism) * TimeoutSeconds) + 20);
        var clock = Stopwatch.StartNew();
        var polls = await stage.PollAsync(force: false, CancellationToken.None).WaitAsync(bound + TimeSpan.FromSeconds(30));
        var took = clock.Elapsed;
        output.WriteLine($"{feeds.Count} feeds polled in {took.TotalSeconds:0.0} s (bound {bound.TotalSeconds:0} s); at most {server.MostInFlight} requests at once; " +
            $"bytes sent: {string.Join(", ", server.BytesSent.Select(b => $"{b.Key} {b.Value:N0}"))}");
        foreach (var poll in polls.Where(p => p.Result != PollResult.Fetched))
        {
            output.WriteLine($"  {poll.Feed}: {poll.Result} {poll.Error} next {poll.NextPollAfter:u}");
        }

        // Bounded in time and in connections: no more than the stage's limit at once, and each slow
        // feed ended by its timeout (its reason, below), so a poll costs at most the bound computed
        // above; the wall clock is only the safety net of WaitAsync, never asserted. The server
        // counts a request until its handler returns, which can come just after the poller has read
        // the answer and begun the next feed: one more than the limit is that overlap, not a fifth feed.
        Assert.InRange(server.MostInFlight, 2, Parallelism + 1);

        // Bounded in bytes: the promise of 5 GB is not read at all (the server wrote its headers and
        // saw the client go), the endless body and the bomb only to the cap: their reasons say the
        // client stopped at the limit (below). What the server managed to write past it depends on
        // socket buffers, so only its lower end is asserted.
        Assert.InRange(server.BytesSent["huge"], 1, 1024);
        Assert.True(server.BytesSent["endless"] >= MaxBytes, $"endless sent {server.BytesSent["endless"]} bytes");
        Assert.True(server.BytesSent["trickle"] <= 4 * TimeoutSeconds, $"trickle sent {server.BytesSent["trickle"]} bytes");
        Assert.Equal(4, server.Requests("loop/a") + server.Requests("loop/b")); // the first request and three redirects

        // Every healthy feed's items are articles now.
        Assert.Equal(feeds.Count, polls.Count);
        foreach (var name in Healthy)
        {
            var poll = polls.Single(p => p.Feed == name);
            Assert.Equal(PollResult.Fetched, poll.Result);
            Assert.Equal(2, poll.Count(IngestResult.Accepted));
            foreach (var item in poll.Items)
            {
                var stored = await pipeline.Articles.GetAsync(item.ArticleId!, CancellationToken.None);
                Assert.StartsWith($"Storm story {name}/", stored!.Article.Headline, StringComparison.Ordinal);
            }
        }

        // Every broken feed: failed, with its reason, recorded, and backed off (the 429s as long as they asked).
        var states = await pipeline.Get<UpstreamStateStore>().ReadAllAsync(CancellationToken.None);
        foreach (var (name, reason) in Broken)
        {
            var poll = polls.Single(p => p.Feed == name);
            Assert.Equal(PollResult.Failed, poll.Result);
            Assert.StartsWith(reason, poll.Error, StringComparison.Ordinal);
            Assert.Equal(1, states[name].ConsecutiveFailures);
            Assert.Equal(poll.Error, states[name].LastError);
            Assert.True(poll.NextPollAfter >= now.AddMinutes(5), $"{name} is not backed off: next poll {poll.NextPollAfter:u}");
        }

        Assert.Equal(now.AddHours(1), polls.Single(p => p.Feed == "busy").NextPollAfter);
        Assert.InRange(polls.Single(p => p.Feed == "busy-until").NextPollAfter!.Value, now.AddHours(2).AddMinutes(-1), now.AddHours(2));
        Assert.Contains(
            pipeline.Storage.Container(StorageNames.RejectedContainer).GetBlobs().Select(b => b.Name),
            n => n.StartsWith("upstream/garbage/", StringComparison.Ordinal));

        // Six minutes on, the next timer's poll: the back-offs of five minutes are over, the 429s' hour is not.
        pipeline.Clock.Advance(TimeSpan.FromMinutes(6));
        var busyRequests = server.Requests("busy") + server.Requests("busy-until");
        var again = await stage.PollAsync(force: false, CancellationToken.None).WaitAsync(bound + TimeSpan.FromSeconds(30));
        Assert.Equal(PollResult.Skipped, again.Single(p => p.Feed == "busy").Result);
        Assert.Equal(PollResult.Skipped, again.Single(p => p.Feed == "busy-until").Result);
        Assert.Equal(busyRequests, server.Requests("busy") + server.Requests("busy-until"));
        Assert.Equal(PollResult.Failed, again.Single(p => p.Feed == "error-1").Result);
        Assert.Equal(2, (await pipeline.Get<UpstreamStateStore>().ReadAllAsync(CancellationToken.None))["error-1"].ConsecutiveFailures);
        Assert.All(Healthy, name => Assert.Equal(PollResult.NotModified, again.Single(p => p.Feed == name).Result));
        Assert.InRange(server.MostInFlight, 2, Parallelism + 1); // as above
        output.WriteLine($"test took {clock.Elapsed.TotalSeconds:0.0} s after the pipeline started");
    }

    /// <summary>The agency servers, healthy and broken, on one loopback port; it counts what it sends and how many requests are open at once.</summary>
    private sealed class StormServer
    {
        private static readonly byte[] Garbage = GarbageBytes();
        private static readonly byte[] Bomb = GzipBomb();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
        private int _inFlight;
        private int _mostInFlight;

        public System.Collections.Concurrent.ConcurrentDictionary<string, long> BytesSent { get; } = new(StringComparer.Ordinal);

        public int MostInFlight => Volatile.Read(ref _mostInFlight);

        public int Requests(string path) => _requests.GetValueOrDefault(path);

        public async Task HandleAsync(HttpContext context)
        {
            var path = context.Request.Path.Value!.TrimStart('/');
            _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
            var open = Interlocked.Increment(ref _inFlight);
            for (var most = Volatile.Read(ref _mostInFlight); open > most; most = Volatile.Read(ref _mostInFlight))
            {
                Interlocked.CompareExchange(ref _mostInFlight, open, most);
            }

            try
            {
                await AnswerAsync(context, path);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The poller gave up on this one, as it should.
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private async Task AnswerAsync(HttpContext context, string path)
        {
            var response = context.Response;
            var aborted = context.RequestAborted;
            switch (path)
            {
                case var healthy when healthy.StartsWith("rss-", StringComparison.Ordinal) || healthy.StartsWith("atom-", StringComparison.Ordinal) || healthy.StartsWith("json-", StringComparison.Ordinal):
                    if (context.Request.Headers.IfNoneMatch == $"\"{healthy}-v1\"")
                    {
                        response.StatusCode = StatusCodes.Status304NotModified;
                        return;
                    }

                    response.Headers.ETag = $"\"{healthy}-v1\"";
                    (response.ContentType, var body) = Feed(healthy);
                    await response.WriteAsync(body, aborted);
                    return;
                case "slow":
                    await Task.Delay(TimeSpan.FromMinutes(5), aborted);
                    return;
                case "trickle":
                    response.ContentType = "application/rss+xml";
                    for (var i = 0; i < 3000; i++)
                    {
                        await WriteAsync(context, path, "<"u8.ToArray());
                        await Task.Delay(TimeSpan.FromMilliseconds(500), aborted);
                    }

                    return;
                case "garbage":
                    response.ContentType = "application/rss+xml";
                    await WriteAsync(context, path, Garbage);
                    return;
                case "huge":
                    response.ContentType = "application/rss+xml";
                    response.ContentLength = 5L * 1024 * 1024 * 1024;
                    await WriteAsync(context, path, new byte[1024]);
                    await Task.Delay(TimeSpan.FromMinutes(5), aborted);
                    return;
                case "endless":
                    response.ContentType = "application/rss+xml";
                    var chunk = new byte[8 * 1024];
                    while (true)
                    {
                        await WriteAsync(context, path, chunk);
                        await Task.Delay(TimeSpan.FromMilliseconds(5), aborted); // 1.6 MB/s: what the fetcher reads past the cap shows
                    }

                case "gzip-bomb":
                    response.ContentType = "application/rss+xml";
                    response.Headers.ContentEncoding = "gzip";
                    await WriteAsync(context, path, Bomb);
                    return;
                case "loop/a" or "loop/b":
                    response.StatusCode = StatusCodes.Status302Found;
                    response.Headers.Location = path == "loop/a" ? "/loop/b" : "/loop/a";
                    return;
                case "busy":
                    response.StatusCode = StatusCodes.Status429TooManyRequests;
                    response.Headers.RetryAfter = "3600";
                    return;
                case "busy-until":
                    response.StatusCode = StatusCodes.Status429TooManyRequests;
                    response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddHours(2).ToString("R", CultureInfo.InvariantCulture);
                    return;
                case "error-1" or "error-2":
                    response.StatusCode = StatusCodes.Status500InternalServerError;
                    return;
                default:
                    response.StatusCode = StatusCodes.Status404NotFound;
                    return;
            }
        }

        /// <summary>Writes and flushes, counting the bytes the server got out before the client went away.</summary>
        private async Task WriteAsync(HttpContext context, string path, byte[] bytes)
        {
            context.RequestAborted.ThrowIfCancellationRequested();
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            BytesSent.AddOrUpdate(path, bytes.Length, (_, n) => n + bytes.Length);
        }

        /// <summary>Two items of a feed in its format, with text enough to be articles.</summary>
        private static (string ContentType, string Body) Feed(string name)
        {
            string Headline(int n) => $"Storm story {name}/{n}: the district council approves the new bus depot";
            const string Text = "The council voted on Tuesday to build the depot, which will house forty electric buses and open next year.";
            var format = name[..name.IndexOf('-', StringComparison.Ordinal)];
            return format switch
            {
                "rss" => ("application/rss+xml", $"""
                    <?xml version="1.0" encoding="utf-8"?>
                    <rss version="2.0"><channel><title>{name}</title><link>https://wire.example.org/</link><description>Wire</description>
                    <item><title>{Headline(1)}</title><link>https://wire.example.org/{name}/1</link><guid isPermaLink="false">{name}-1</guid><pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate><description>{Text}</description></item>
                    <item><title>{Headline(2)}</title><link>https://wire.example.org/{name}/2</link><guid isPermaLink="false">{name}-2</guid><pubDate>Wed, 25 Nov 2026 08:30:00 GMT</pubDate><description>{Text}</description></item>
                    </channel></rss>
                    """),
                "atom" => ("application/atom+xml", $"""
                    <?xml version="1.0" encoding="utf-8"?>
                    <feed xmlns="http://www.w3.org/2005/Atom"><title>{name}</title><id>urn:storm:{name}</id><updated>2026-11-25T08:30:00Z</updated>
                    <entry><title>{Headline(1)}</title><id>urn:storm:{name}:1</id><link href="https://wire.example.org/{name}/1"/><updated>2026-11-25T08:00:00Z</updated><summary>{Text}</summary></entry>
                    <entry><title>{Headline(2)}</title><id>urn:storm:{name}:2</id><link href="https://wire.example.org/{name}/2"/><updated>2026-11-25T08:30:00Z</updated><summary>{Text}</summary></entry>
                    </feed>
                    """),
                _ => ("application/feed+json", $$"""
                    {"version": "https://jsonfeed.org/version/1.1", "title": "{{name}}", "items": [
                      {"id": "{{name}}-1", "url": "https://wire.example.org/{{name}}/1", "title": "{{Headline(1)}}", "content_text": "{{Text}}", "date_published": "2026-11-25T08:00:00Z"},
                      {"id": "{{name}}-2", "url": "https://wire.example.org/{{name}}/2", "title": "{{Headline(2)}}", "content_text": "{{Text}}", "date_published": "2026-11-25T08:30:00Z"}]}
                    """),
            };
        }

        private static byte[] GarbageBytes()
        {
            var bytes = new byte[16 * 1024];
            new Random(8).NextBytes(bytes);
            return bytes;
        }

        /// <summary>64 MB of zeros in about 64 KB of gzip: under the cap on the wire, far over it unpacked.</summary>
        private static byte[] GzipBomb()
        {
            using var packed = new MemoryStream();
            using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize))
            {
                var zeros = new byte[1024 * 1024];
                for (var i = 0; i < 64; i++)
                {
                    gzip.Write(zeros);
                }
            }

            return packed.ToArray();
        }
    }
}
