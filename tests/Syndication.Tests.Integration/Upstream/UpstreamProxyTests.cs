using System.Net;
using Microsoft.AspNetCore.Http;
using Syndication.Adapters.Upstream;
using Syndication.Core.Catalog;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Upstream;

/// <summary>The process-wide proxy is changed here, so nothing else runs meanwhile.</summary>
[CollectionDefinition(nameof(SharedSystemProxy), DisableParallelization = true)]
public sealed class SharedSystemProxy;

[Collection(nameof(SharedSystemProxy))]
public sealed class UpstreamProxyTests
{
    [Fact]
    public async Task Polls_go_straight_to_the_checked_address_and_never_through_the_systems_proxy()
    {
        await using var agency = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("<rss version=\"2.0\"><channel><title>t</title></channel></rss>"));
        await using var proxy = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return context.Response.WriteAsync("<rss version=\"2.0\"><channel><title>from the proxy</title></channel></rss>");
        });
        var previous = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new WebProxy(proxy.BaseUrl, BypassOnLocal: false);
        try
        {
            using var fetcher = new UpstreamFetcher(new UpstreamOptions { AllowPrivateNetworks = true, TimeoutSeconds = 5 }, new TestResolver().ResolveAsync);

            // A proxy would be asked for http://agency.test:port/... and would choose the address itself, unchecked.
            var fetched = await fetcher.FetchAsync(TestResolver.At(agency, "agency.test", "feed.xml"), null, null, CancellationToken.None);

            Assert.IsType<FetchResult.Fetched>(fetched);
            Assert.Single(agency.Requests);
            Assert.Empty(proxy.Requests);
        }
        finally
        {
            HttpClient.DefaultProxy = previous;
        }
    }
}
