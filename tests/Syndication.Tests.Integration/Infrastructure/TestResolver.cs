using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Upstream;
using Syndication.Core.Catalog;

namespace Syndication.Tests.Infrastructure;

/// <summary>
/// A DNS of the test's own: every <c>*.test</c> name is 127.0.0.1 (many agency hosts on one
/// loopback server) unless the test gives it other addresses (a name that resolves to a private or
/// platform address). Other names resolve to nothing, so nothing leaves the machine.
/// </summary>
internal sealed class TestResolver(params (string Host, string Address)[] names)
{
    private readonly Dictionary<string, IPAddress[]> _names = names
        .GroupBy(n => n.Host, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.Select(n => IPAddress.Parse(n.Address)).ToArray(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Every name asked for, in order.</summary>
    public ConcurrentQueue<string> Asked { get; } = new();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Asked.Enqueue(host);
        return Task.FromResult(
            _names.TryGetValue(host, out var addresses) ? addresses
            : host.EndsWith(".test", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Loopback]
            : []);
    }

    /// <summary>Registers the app's upstream fetcher with this resolver in place of the system's DNS.</summary>
    public void Register(IServiceCollection services) =>
        services.AddSingleton(sp => new UpstreamFetcher(sp.GetRequiredService<IOptions<SyndicationOptions>>().Value.Upstream, ResolveAsync));

    /// <summary>A loopback server's URL under another host name, which this resolver sends to 127.0.0.1.</summary>
    public static Uri At(LoopbackServer server, string host, string path) =>
        new UriBuilder(server.Url(path)) { Host = host }.Uri;
}
