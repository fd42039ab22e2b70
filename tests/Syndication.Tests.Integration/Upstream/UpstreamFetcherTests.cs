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

    private static UpstreamFetcher Fetcher(Action<UpstreamOptions>? configure = null)
    {
        var options = new UpstreamOptions { AllowPrivateNetworks = true, TimeoutSeconds = 3, MaxRedirects = 3, MaxBytes = 64 * 1024 };
        configure?.Invoke(options);
        return new UpstreamFetcher(options);
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

        Assert.Contains("loopback, private or link-local", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", false)]
    public void Private_addresses_are_recognised(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, UpstreamFetcher.IsPrivate(IPAddress.Parse(address)));
}
