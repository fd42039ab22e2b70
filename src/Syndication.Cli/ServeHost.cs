using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Syndication.Http;
using Syndication.Pipeline;

namespace Syndication.Cli;

/// <summary>
/// A Kestrel on 127.0.0.1 that maps every row of <see cref="NewsletterRoutes"/> under <c>/api/</c>
/// to <see cref="NewsletterEndpoints"/>, the handlers the Functions app's triggers call. It plays the
/// platform's front end too: it appends the connection's address to <c>X-Forwarded-For</c>, as App
/// Service does, so the client address for rate limits is found as in Azure.
/// </summary>
public sealed class ServeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private NewsletterEndpoints? _endpoints;
    private PipelineSession? _ownSession;
    private readonly CancellationTokenSource _stopEvents = new();
    private Task _events = Task.CompletedTask;

    /// <summary>How often <c>serve</c> looks at <c>incoming/</c> for drops (one listing request).</summary>
    public static readonly TimeSpan LocalEventsEvery = TimeSpan.FromSeconds(1);

    private ServeHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary><c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The sign-up page.</summary>
    public Uri SubscribeUrl => Url(NewsletterRoutes.Subscribe);

    /// <summary>The services of the pipeline behind it (storage, the subscriber store, ...).</summary>
    public IServiceProvider Services => _ownSession?.Services ?? throw new InvalidOperationException("Only a host started with StartAsync owns its pipeline.");

    /// <summary>The settings <c>serve</c> puts over the environment's: links in emails point at this server.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Syndication:Newsletter:PublicBaseUrl"] = new Uri(BaseUrl, NewsletterRoutes.Prefix + "newsletter").AbsoluteUri,
    };

    /// <summary>A path under <c>/api/</c>, such as <c>newsletter/subscribe</c>.</summary>
    public Uri Url(string path) => new(BaseUrl, NewsletterRoutes.Prefix + path);

    /// <summary>
    /// Starts serving on a storage account with extra settings (tests, and anything else that runs
    /// it in-process); the pipeline is opened as every verb opens it.
    /// </summary>
    public static async Task<ServeHost> StartAsync(
        string? storage, TextWriter output, IReadOnlyDictionary<string, string?>? settings = null, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var host = await ListenAsync(port, TextWriter.Synchronized(output), cancellationToken);
        try
        {
            var overrides = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
            foreach (var (key, value) in host.Settings)
            {
                overrides.TryAdd(key, value);
            }

            host._ownSession = await PipelineSession.OpenAsync(storage, verbose: false, output, cancellationToken, overrides);
            host.Attach(host._ownSession);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    internal static async Task<ServeHost> ListenAsync(int port, TextWriter requests, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        ServeHost? host = null;
        foreach (var route in NewsletterRoutes.All)
        {
            app.MapMethods("/" + NewsletterRoutes.Prefix + route.Template, [.. route.Methods.Select(m => m.ToUpperInvariant())], async context =>
            {
                if (host?._endpoints is not { } endpoints)
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return;
                }

                // As App Service's front end does: the address it was connected from goes last.
                var remote = context.Connection.RemoteIpAddress?.ToString();
                context.Request.Headers.Append("X-Forwarded-For", remote);
                var value = route.Parameter is { } name ? context.GetRouteValue(name) as string : null;
                await endpoints.HandleAsync(route.Function, context, value);

                // The route's template, never the path: a token in a printed or logged URL is a key to someone's subscription.
                requests.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} {context.Request.Method} {route.LoggedPath} {context.Response.StatusCode}");
            });
        }

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host = new ServeHost(app, new Uri(address.TrimEnd('/') + "/"));
        return host;
    }

    /// <summary>Serves the session's HTTP functions, and delivers the blob events of its drops (<see cref="LocalBlobEvents"/>).</summary>
    internal void Attach(PipelineSession session)
    {
        _endpoints = ActivatorUtilities.CreateInstance<NewsletterEndpoints>(session.Services);

        // Azurite raises no Event Grid events: drops are ingested and published as they land, by
        // what the blob-triggered functions run on their events.
        _events = session.Services.GetRequiredService<LocalBlobEvents>().RunAsync(LocalEventsEvery, _stopEvents.Token);
    }

    /// <summary>Stops delivering blob events (a build in progress stops; its changes stay queued).</summary>
    internal async Task StopEventsAsync()
    {
        await _stopEvents.CancelAsync();
        await _events;
    }

    internal void PrintWelcome(PipelineSession session, TextWriter output)
    {
        output.WriteLine($"Serving the HTTP functions on {BaseUrl} (Ctrl+C stops).");
        output.WriteLine($"  sign up:   {SubscribeUrl}");
        output.WriteLine($"  emails:    {session.Newsletter.Transport.Destination} (the confirmation link in each points here)");
        output.WriteLine($"  routes:    {string.Join(", ", NewsletterRoutes.All.Select(r => r.LoggedPath))}");
        output.WriteLine($"  drops:     files put into incoming/ are ingested and published within seconds: {session.Feeds.PublicUrl("rss.xml")}");
        output.WriteLine("Requests:");
    }

    public async ValueTask DisposeAsync()
    {
        await StopEventsAsync();
        _stopEvents.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownSession is not null)
        {
            await _ownSession.DisposeAsync();
        }
    }
}
