using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Syndication.Adapters.Upstream;
using Syndication.Core.Catalog;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Upstream;

public sealed class UpstreamFetcherTests
{
    private const string Rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title></channel></rss>";

    private static UpstreamFetcher Fetcher(Action<UpstreamOptions>? configure = null, TestResolver? resolver = null, TimeProvider? time = null)
    {
        var options = new UpstreamOptions { AllowPrivateNetworks = true, TimeoutSeconds = 3, MaxRedirects = 3, MaxBytes = 64 * 1024, HostGapMilliseconds = 0 };
        configure?.Invoke(options);
        return new UpstreamFetcher(options, resolver is null ? null : resolver.ResolveAsync, time);
    }

    [Fact]
    public async Task A_second_poll_sends_the_validators_and_gets_not_modified()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (context.Request.Headers.IfNoneMatch == "\"v1\"")
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            context.Response.Headers.ETag = "\"v1\"";
            context.Response.Headers.LastModified = "Mon, 02 Dec 2024 11:52:00 GMT";
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(Rss);
        });
        using var fetcher = Fetcher();

        var first = Assert.IsType<FetchResult.Fetched>(await fetcher.FetchAsync(server.Url("feed.xml"), null, null, CancellationToken.None));
        var second = await fetcher.FetchAsync(server.Url("feed.xml"), first.ETag, first.LastModified, CancellationToken.None);

        Assert.Equal(Rss, System.Text.Encoding.UTF8.GetString(first.Body));
        Assert.Equal("\"v1\"", first.ETag);
        Assert.IsType<FetchResult.NotModified>(second);
        var conditional = server.Requests.Last();
        Assert.Equal("\"v1\"", conditional.Headers["If-None-Match"]);
        Assert.Equal("Mon, 02 Dec 2024 11:52:00 GMT", conditional.Headers["If-Modified-Since"]);
    }

    [Fact]
    public async Task Too_many_requests_reports_the_servers_retry_after()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        });
        using var fetcher = Fetcher();

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(server.Url("feed.xml"), null, null, CancellationToken.None));

        Assert.Equal(429, failed.Status);
        Assert.Equal(TimeSpan.FromSeconds(120), failed.RetryAfter);
    }

    [Theory]
    [InlineData("Wed, 25 Nov 2026 11:00:00 GMT", 7200)] // an HTTP date, from the injected clock
    [InlineData("99999999999", 86400)] // past int: .NET's typed header drops it; a day, the cap
    [InlineData("-5", null)] // not a wait: the feed's own back-off applies
    [InlineData("soon", null)]
    public async Task A_503s_retry_after_is_read_as_sent_by_the_one_parser(string header, int? seconds)
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = header;
            return Task.CompletedTask;
        });
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        using var fetcher = Fetcher(time: clock);

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(server.Url("feed.xml"), null, null, CancellationToken.None));

        Assert.Equal(503, failed.Status);
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, failed.RetryAfter);
    }

    [Fact]
    public async Task A_redirect_loop_stops_after_the_configured_number_of_hops()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = context.Request.Path == "/a" ? "/b" : "/a";
            return Task.CompletedTask;
        });
        using var fetcher = Fetcher();

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(server.Url("a"), null, null, CancellationToken.None));

        Assert.StartsWith("More than 3 redirects", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task A_body_over_the_cap_is_cut_off_while_reading()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            // No Content-Length: the cap must hold while streaming.
            var chunk = new byte[16 * 1024];
            for (var i = 0; i < 64; i++)
            {
                await context.Response.Body.WriteAsync(chunk);
            }
        });
        using var fetcher = Fetcher();

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(server.Url("big.xml"), null, null, CancellationToken.None));

        Assert.Contains("more than the limit of 65,536 bytes", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_body_is_read_to_the_cap_and_not_drained_after_it()
    {
        long sent = 0;
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(
            async context =>
            {
                try
                {
                    var chunk = new byte[8 * 1024];
                    while (!context.RequestAborted.IsCancellationRequested)
                    {
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                        await context.Response.Body.FlushAsync(context.RequestAborted);
                        Interlocked.Add(ref sent, chunk.Length);
                        await Task.Delay(5, context.RequestAborted); // 1.6 MB/s: a drain would show, a stall of the machine would not
                    }
                }
                catch (OperationCanceledException)
                {
                    // The fetcher hung up.
                }
                finally
                {
                    ended.TrySetResult();
                }
            },
            recordRequests: false);
        using var fetcher = Fetcher();

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(server.Url("endless.xml"), null, null, CancellationToken.None));
        await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The cap (64 KB) and what socket buffers held when the fetcher hung up; not the 1 MB
        // HttpClient drains by default from a response disposed unread, to reuse its connection.
        Assert.Contains("more than the limit of 65,536 bytes", failed.Reason, StringComparison.Ordinal);
        Assert.InRange(Interlocked.Read(ref sent), 64 * 1024, 384 * 1024);
    }

    [Fact]
    public async Task A_promise_of_five_gigabytes_is_refused_before_reading()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentLength = 5L * 1024 * 1024 * 1024;
            await context.Response.Body.WriteAsync(new byte[1024]);
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        });
        using var fetcher = Fetcher();
        var clock = Stopwatch.StartNew();

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(server.Url("huge.xml"), null, null, CancellationToken.None));

        Assert.Contains("declares 5,368,709,120 bytes", failed.Reason, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_server_that_never_finishes_is_given_up_on_at_the_timeout()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            await context.Response.WriteAsync("<rss>");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        using var fetcher = Fetcher(o => o.TimeoutSeconds = 1);

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(server.Url("slow.xml"), null, null, CancellationToken.None));

        Assert.Equal("No complete answer within 1 seconds.", failed.Reason);
    }

    [Fact]
    public async Task In_production_mode_loopback_and_private_addresses_are_not_reached()
    {
        await using var server = await LoopbackServer.StartAsync(context => context.Response.WriteAsync(Rss));
        using var fetcher = Fetcher(o => o.AllowPrivateNetworks = false);

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(server.Url("feed.xml"), null, null, CancellationToken.None));

        Assert.Contains("resolves only to addresses polls may not reach: 127.0.0.1 is loopback", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("agency.test", "127.0.0.1", "loopback")]
    [InlineData("agency.test", "10.1.2.3", "private (10.0.0.0/8)")]
    [InlineData("agency.test", "198.18.0.1", "benchmarking (198.18.0.0/15)")]
    [InlineData("agency.test", "64:ff9b::7f00:1", "NAT64 (64:ff9b::/96)")]
    [InlineData("agency.test", "2002:7f00:1::1", "6to4 (2002::/16)")]
    [InlineData("agency.test", "::7f00:1", "IPv4-compatible")]
    [InlineData("agency.test", "::ffff:192.168.1.1", "IPv4-mapped: 192.168.1.1 is private")]
    [InlineData("agency.test", "168.63.129.16", "cloud platform")]
    public async Task A_name_that_resolves_to_an_address_that_is_not_public_unicast_is_refused_before_any_connection(string host, string address, string reason)
    {
        // The name resolves (through the test's DNS) to the address; the URL's port is a loopback
        // server's, so a connection, were one made, would reach it and be recorded.
        await using var server = await LoopbackServer.StartAsync(context => context.Response.WriteAsync(Rss));
        var resolver = new TestResolver((host, address));
        using var fetcher = Fetcher(o => o.AllowPrivateNetworks = false, resolver);

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(TestResolver.At(server, host, "feed.xml"), null, null, CancellationToken.None));

        Assert.Contains(reason, failed.Reason, StringComparison.Ordinal);
        Assert.Equal([host], resolver.Asked);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("http://metadata.test/latest/meta-data/", "169.254.169.254")]
    [InlineData("http://wireserver.test/machine?comp=goalstate", "168.63.129.16")]
    [InlineData("http://nat64.test/metadata/instance", "64:ff9b::a9fe:a9fe")]
    [InlineData("http://169.254.169.254/metadata/instance?api-version=2021-02-01", null)]
    public async Task A_redirect_to_the_platforms_own_addresses_is_refused_even_where_private_networks_are_allowed(string target, string? address)
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = target;
            return Task.CompletedTask;
        });
        var host = new Uri(target).Host;
        var resolver = address is null ? new TestResolver() : new TestResolver((host, address));
        using var fetcher = Fetcher(o => o.AllowPrivateNetworks = true, resolver);

        var failed = Assert.IsType<FetchResult.Failed>(await fetcher.FetchAsync(TestResolver.At(server, "agency.test", "feed.xml"), null, null, CancellationToken.None));

        // The agency's host answered (it is allowed, here); the hop to the platform was refused.
        Assert.Single(server.Requests);
        Assert.Contains("cloud platform's own address", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validators_go_back_exactly_as_the_server_sent_them()
    {
        // A weak ETag, an unquoted one (which a strict parser drops) and a date in the obsolete RFC 850 form.
        var served = new ConcurrentQueue<(string ETag, string LastModified)>(
        [
            ("W/\"5f3-abc\"", "Tuesday, 24-Nov-26 10:00:00 GMT"),
            ("abc-123", "Tue, 24 Nov 2026 10:00:00 GMT"),
            ("\"final\"", "Tue, 24 Nov 2026 10:00:00 GMT"),
        ]);
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            served.TryDequeue(out var next);
            context.Response.Headers.ETag = next.ETag;
            context.Response.Headers.LastModified = next.LastModified;
            await context.Response.WriteAsync(Rss);
        });
        using var fetcher = Fetcher();

        var first = Assert.IsType<FetchResult.Fetched>(await fetcher.FetchAsync(server.Url("feed.xml"), null, null, CancellationToken.None));
        var second = Assert.IsType<FetchResult.Fetched>(await fetcher.FetchAsync(server.Url("feed.xml"), first.ETag, first.LastModified, CancellationToken.None));
        await fetcher.FetchAsync(server.Url("feed.xml"), second.ETag, second.LastModified, CancellationToken.None);

        var requests = server.Requests.ToArray();
        Assert.Equal(("W/\"5f3-abc\"", "Tuesday, 24-Nov-26 10:00:00 GMT"), (requests[1].Headers["If-None-Match"], requests[1].Headers["If-Modified-Since"]));
        Assert.Equal(("abc-123", "Tue, 24 Nov 2026 10:00:00 GMT"), (requests[2].Headers["If-None-Match"], requests[2].Headers["If-Modified-Since"]));
    }

    [Fact]
    public async Task Requests_to_one_host_never_overlap_and_leave_the_configured_gap_between_them()
    {
        const int GapMilliseconds = 300;
        var inFlight = 0;
        var mostInFlight = 0;
        var spans = new ConcurrentQueue<(long Start, long End)>();
        await using var server = await LoopbackServer.StartAsync(
            async context =>
            {
                var start = Stopwatch.GetTimestamp();
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref mostInFlight, now);
                await Task.Delay(50);
                await context.Response.WriteAsync(Rss);
                await context.Response.CompleteAsync();
                Interlocked.Decrement(ref inFlight);
                spans.Enqueue((start, Stopwatch.GetTimestamp()));
            },
            recordRequests: false);
        var resolver = new TestResolver();
        using var fetcher = Fetcher(o => o.HostGapMilliseconds = GapMilliseconds, resolver);

        // Six feeds of one agency host asked for at once (the stage polls several feeds at a time), and one of another host.
        var sameHost = Enumerable.Range(0, 6).Select(i => fetcher.FetchAsync(TestResolver.At(server, "wire.test", $"feed-{i}.xml"), null, null, CancellationToken.None));
        var otherHost = fetcher.FetchAsync(TestResolver.At(server, "other.test", "feed.xml"), null, null, CancellationToken.None);
        var results = await Task.WhenAll([.. sameHost, otherHost]);

        Assert.All(results, r => Assert.IsType<FetchResult.Fetched>(r));
        var ordered = spans.OrderBy(s => s.Start).ToArray();
        Assert.Equal(7, ordered.Length);
        Assert.InRange(mostInFlight, 1, 2); // the other host's one request may overlap; the agency's never do
        var gaps = ordered.Zip(ordered.Skip(1)).Select(p => Stopwatch.GetElapsedTime(p.First.End, p.Second.Start)).ToList();
        // Of six requests to one host, five follow another; each waited the gap after the previous one ended.
        // (The other host's request falls somewhere in between, without waiting.)
        Assert.True(gaps.Count(g => g >= TimeSpan.FromMilliseconds(GapMilliseconds - 20)) >= 4, string.Join(", ", gaps.Select(g => g.TotalMilliseconds)));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("168.63.129.16", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("198.19.255.255", false)]
    [InlineData("192.0.2.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("::a9fe:a9fe", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("64:ff9b::808:808", false)]
    [InlineData("64:ff9b:1::1", false)]
    [InlineData("2002:808:808::1", false)]
    [InlineData("2001::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("100::1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("198.20.0.1", true)]
    [InlineData("168.63.129.17", true)]
    [InlineData("::ffff:93.184.216.34", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void Only_public_unicast_addresses_are_polled(string address, bool isPublic) =>
        Assert.Equal(isPublic, OutboundAddresses.IsPublicUnicast(IPAddress.Parse(address)));

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("168.63.129.16")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a83f:8110")]
    [InlineData("2002:a9fe:a9fe::1")]
    public void The_platforms_own_addresses_are_refused_even_where_private_networks_are_allowed(string address) =>
        Assert.Contains("cloud platform", OutboundAddresses.Refusal(IPAddress.Parse(address), allowPrivateNetworks: true), StringComparison.Ordinal);
}
