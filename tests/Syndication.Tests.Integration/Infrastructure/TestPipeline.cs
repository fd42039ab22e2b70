using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Syndication.Adapters.Storage;
using Syndication.Pipeline;

namespace Syndication.Tests.Infrastructure;

/// <summary>The pipeline as the Functions app composes it, on a fresh storage account and a clock the test moves.</summary>
internal sealed class TestPipeline : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestPipeline(ServiceProvider services, TestAccount account, FakeTimeProvider clock)
    {
        _services = services;
        Account = account;
        Clock = clock;
    }

    public TestAccount Account { get; }

    public FakeTimeProvider Clock { get; }

    public IngestStage Ingest => _services.GetRequiredService<IngestStage>();

    public FeedsStage Feeds => _services.GetRequiredService<FeedsStage>();

    public DropZone DropZone => _services.GetRequiredService<DropZone>();

    public ArticleStore Articles => _services.GetRequiredService<ArticleStore>();

    public ArticleIndex Index => _services.GetRequiredService<ArticleIndex>();

    public StorageAccount Storage => _services.GetRequiredService<StorageAccount>();

    public StorageRequestCounter Counter => _services.GetRequiredService<StorageRequestCounter>();

    public IServiceProvider Services => _services;

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <param name="account">Storage shared with something else under test (a <c>serve</c>, a second instance of the app as when the host scales out); a fresh account when null.</param>
    /// <param name="configure">Replaces registrations after the app's own (a test's stand-in for a remote service, such as an upstream fetcher with a test resolver).</param>
    public static async Task<TestPipeline> StartAsync(IDictionary<string, string?>? settings = null, TestAccount? account = null, Action<IServiceCollection>? configure = null)
    {
        account ??= await LocalStorage.NewAccountAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [StorageSettings.ConnectionSetting] = account.ConnectionString,
                ["SweepSchedule"] = "0 */5 * * * *",
                ["FeedsSchedule"] = "30 */5 * * * *",
                ["UpstreamSchedule"] = "15 */5 * * * *",
                ["StatusSchedule"] = "45 */10 * * * *",
                ["TrendingSchedule"] = "45 */5 * * * *",
                ["NewsletterSchedule"] = "45 */5 * * * *",
                ["AlertSchedule"] = "*/20 * * * * *",

                // The clock only moves when a test moves it: an event-driven build would otherwise
                // wait for its coalescing window for ever (FeedPublishingTests set it and move the clock).
                ["Syndication:Feeds:CoalesceSeconds"] = "0",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddLogging();
        Syndication.Functions.SyndicationApp.ConfigureServices(services, configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new TestPipeline(provider, account, clock);
    }

    /// <summary>Drops a file into incoming/ and ingests it, as the blob trigger would.</summary>
    public async Task<IngestOutcome> DropAndIngestAsync(string name, byte[] content)
    {
        await DropZone.DropAsync(name, BinaryData.FromBytes(content), CancellationToken.None);
        return await Ingest.IngestAsync(name, CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
