using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;
using Syndication.Core.Newsletters;
using Syndication.Core.Trending;
using Syndication.DevTools;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli;

/// <summary>
/// One CLI run's pipeline: the storage it talks to (starting Azurite for development storage when
/// nothing listens), and the same service registrations as the Functions app.
/// </summary>
internal sealed class PipelineSession : IAsyncDisposable
{
    private readonly IHost _host;

    private PipelineSession(IHost host)
    {
        _host = host;
    }

    public StorageAccount Account => _host.Services.GetRequiredService<StorageAccount>();

    public DropZone DropZone => _host.Services.GetRequiredService<DropZone>();

    public IngestStage Ingest => _host.Services.GetRequiredService<IngestStage>();

    public FeedsStage Feeds => _host.Services.GetRequiredService<FeedsStage>();

    /// <summary>Feed builds under the feeds' lease (one at a time, with the Functions app's).</summary>
    public FeedPublishing Publishing => _host.Services.GetRequiredService<FeedPublishing>();

    public ArticleStore Articles => _host.Services.GetRequiredService<ArticleStore>();

    public ArticleIndex Index => _host.Services.GetRequiredService<ArticleIndex>();

    public TrendingOptions TrendingSettings => _host.Services.GetRequiredService<IOptions<TrendingOptions>>().Value;

    public ArticleNormalizer Normalizer => _host.Services.GetRequiredService<ArticleNormalizer>();

    public PageViewStore PageViews => _host.Services.GetRequiredService<PageViewStore>();

    public UpstreamStage Upstream => _host.Services.GetRequiredService<UpstreamStage>();

    public StatusStage Status => _host.Services.GetRequiredService<StatusStage>();

    /// <summary>Makes each verb's work a run of its stage, so the status page shows CLI runs too.</summary>
    public StageRunRecorder Runs => _host.Services.GetRequiredService<StageRunRecorder>();
    /// <summary>
    /// The trending stage, on the real clock or as of a given instant: sample and replayed logs are
    /// counted and ranked as when they were written, since only recent stories can trend.
    /// </summary>
    public TrendingStage Trending(DateTimeOffset? asOf) => asOf is { } instant
        ? ActivatorUtilities.CreateInstance<TrendingStage>(_host.Services, new FixedClock(instant))
        : _host.Services.GetRequiredService<TrendingStage>();
    public NewsletterStage Newsletter => _host.Services.GetRequiredService<NewsletterStage>();

    public AlertStage Alerts => _host.Services.GetRequiredService<AlertStage>();
    public NewsletterReports Reports => _host.Services.GetRequiredService<NewsletterReports>();

    public DigestRenderer Renderer => _host.Services.GetRequiredService<DigestRenderer>();

    public PublicationCatalog Catalog => _host.Services.GetRequiredService<PublicationCatalog>();

    public SubscriberStore Subscribers => _host.Services.GetRequiredService<SubscriberStore>();

    public SubscriberIds SubscriberIds => _host.Services.GetRequiredService<SubscriberIds>();

    public SubscriberImporter Importer => _host.Services.GetRequiredService<SubscriberImporter>();

    /// <summary>Every service of the pipeline, as the Functions app registers them.</summary>
    public IServiceProvider Services => _host.Services;

    /// <param name="overrides">Settings that win over the environment's (<c>serve</c>'s own public URL; tests' settings).</param>
    public static async Task<PipelineSession> OpenAsync(
        string? storageOption, bool verbose, TextWriter output, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var connection = storageOption
            ?? Environment.GetEnvironmentVariable("SYNDICATION_STORAGE")
            ?? Environment.GetEnvironmentVariable(StorageSettings.ConnectionSetting);
        var storage = new Dictionary<string, string?>();
        if (connection is not null && Uri.TryCreate(connection, UriKind.Absolute, out var blobServiceUri) && blobServiceUri.Scheme == Uri.UriSchemeHttps)
        {
            // An account's blob endpoint (Azure, shared keys off): the operator's own sign-in (az login) authorizes.
            storage[$"{StorageSettings.ConnectionSetting}:blobServiceUri"] = blobServiceUri.ToString();
            storage[$"{StorageSettings.ConnectionSetting}:tableServiceUri"] = blobServiceUri.ToString().Replace(".blob.", ".table.", StringComparison.Ordinal);
        }
        else if (connection is not null || !HasIdentityBasedStorage())
        {
            connection ??= "UseDevelopmentStorage=true";
            if (Azurite.IsDevelopmentStorage(connection))
            {
                await EnsureLocalAzuriteAsync(output, cancellationToken);
                connection = Azurite.ConnectionStringFor(Azurite.DefaultBlobPort, Azurite.DefaultQueuePort, Azurite.DefaultTablePort);
            }

            storage[StorageSettings.ConnectionSetting] = connection;
        }

        // Without a SendGrid key, emails become .eml files in a folder anyone can open, not blobs.
        if (Environment.GetEnvironmentVariable("Syndication__Newsletter__OutboxFolder") is null)
        {
            storage["Syndication:Newsletter:OutboxFolder"] = Path.GetFullPath(Path.Combine("out", "outbox"));
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(storage);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error);

        // Kestrel's request lines carry full URLs, tokens included; `serve` prints each request by its route instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSyndication(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync(cancellationToken); // validates every setting before any work
        return new PipelineSession(host);
    }

    /// <summary>AzureWebJobsStorage__blobServiceUri or __accountName in the environment, as in the app's settings.</summary>
    private static bool HasIdentityBasedStorage() =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable($"{StorageSettings.ConnectionSetting}__blobServiceUri"))
        || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable($"{StorageSettings.ConnectionSetting}__accountName"));

    private static async Task EnsureLocalAzuriteAsync(TextWriter output, CancellationToken cancellationToken)
    {
        if (Azurite.IsListening(Azurite.DefaultBlobPort))
        {
            output.WriteLine($"Using the storage emulator already listening on 127.0.0.1:{Azurite.DefaultBlobPort}.");
            return;
        }

        output.WriteLine("Development storage asked for and nothing listens on 127.0.0.1:10000: starting Azurite (in memory) ...");
        var azurite = await Azurite.StartAsync(
            Azurite.DefaultBlobPort, Azurite.DefaultQueuePort, Azurite.DefaultTablePort, detached: true, repositoryRoot: null, output.WriteLine, cancellationToken);
        output.WriteLine(
            $"Azurite (pid {azurite.ProcessId}) listens on 127.0.0.1:10000-10002 and keeps running after this command, so the URLs below stay readable; " +
            $"its data lives in memory until you stop it (kill {azurite.ProcessId}). Log: .azurite/azurite.log");
    }

    /// <summary>A clock that stays at one instant, for <see cref="Trending"/>.</summary>
    private sealed class FixedClock(DateTimeOffset instant) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => instant;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
