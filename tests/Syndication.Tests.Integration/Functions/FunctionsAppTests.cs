using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Syndication.Functions;
using Syndication.Functions.Functions;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Functions;

public sealed class FunctionsAppTests
{
    private static string BuiltApp
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(Repository.Root, "src", "Syndication.Functions", "bin", configuration, "net10.0");
        }
    }

    private static Dictionary<string, JsonElement> Bindings()
    {
        var path = Path.Combine(BuiltApp, "functions.metadata");
        Assert.True(File.Exists(path), $"The build of the Functions app should produce {path}.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => Assert.Single(f.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)).Clone());
    }

    [Fact]
    public void The_built_app_declares_each_function_with_its_trigger()
    {
        var bindings = Bindings();

        Assert.Equal(
            ["BuildFeeds", "CountPageViews", "IngestDroppedFile", "NewsletterArchive", "NewsletterConfirm", "NewsletterPreferences", "NewsletterSubscribe", "NewsletterUnsubscribe",
             "PollUpstreamFeeds", "PublishArticleChanges", "RankTrending", "SendAlerts", "SendGridEvents", "SendNewsletters", "SweepIncoming", "SweepPageViews", "WriteStatusPage"],
            bindings.Keys.Order(StringComparer.Ordinal));

        var ingest = bindings["IngestDroppedFile"];
        Assert.Equal("blobTrigger", ingest.GetProperty("type").GetString());
        Assert.Equal("incoming/{name}", ingest.GetProperty("path").GetString());
        Assert.Equal("EventGrid", ingest.GetProperty("source").GetString());
        Assert.Equal("AzureWebJobsStorage", ingest.GetProperty("connection").GetString());

        var articles = bindings["PublishArticleChanges"];
        Assert.Equal("blobTrigger", articles.GetProperty("type").GetString());
        Assert.Equal("articles/{name}", articles.GetProperty("path").GetString());
        Assert.Equal("EventGrid", articles.GetProperty("source").GetString());
        Assert.Equal("AzureWebJobsStorage", articles.GetProperty("connection").GetString());

        var pageViews = bindings["CountPageViews"];
        Assert.Equal("blobTrigger", pageViews.GetProperty("type").GetString());
        Assert.Equal("pageviews/{name}", pageViews.GetProperty("path").GetString());
        Assert.Equal("EventGrid", pageViews.GetProperty("source").GetString());

        Assert.Equal("timerTrigger", bindings["SweepIncoming"].GetProperty("type").GetString());
        Assert.Equal("%SweepSchedule%", bindings["SweepIncoming"].GetProperty("schedule").GetString());
        Assert.Equal("timerTrigger", bindings["BuildFeeds"].GetProperty("type").GetString());
        Assert.Equal("%FeedsSchedule%", bindings["BuildFeeds"].GetProperty("schedule").GetString());
        Assert.Equal("timerTrigger", bindings["PollUpstreamFeeds"].GetProperty("type").GetString());
        Assert.Equal("%UpstreamSchedule%", bindings["PollUpstreamFeeds"].GetProperty("schedule").GetString());
        Assert.Equal("timerTrigger", bindings["WriteStatusPage"].GetProperty("type").GetString());
        Assert.Equal("%StatusSchedule%", bindings["WriteStatusPage"].GetProperty("schedule").GetString());
        Assert.Equal("%SweepSchedule%", bindings["SweepPageViews"].GetProperty("schedule").GetString());
        Assert.Equal("%TrendingSchedule%", bindings["RankTrending"].GetProperty("schedule").GetString());
        Assert.Equal("timerTrigger", bindings["SendNewsletters"].GetProperty("type").GetString());
        Assert.Equal("%NewsletterSchedule%", bindings["SendNewsletters"].GetProperty("schedule").GetString());
        Assert.Equal("timerTrigger", bindings["SendAlerts"].GetProperty("type").GetString());
        Assert.Equal("%AlertSchedule%", bindings["SendAlerts"].GetProperty("schedule").GetString());

        // The routes are the links NewsletterLinks writes into emails and pages (tokens ride in the path),
        // and `syndication serve` serves the same table: the built app must declare exactly its rows.
        var http = bindings.Where(b => b.Value.GetProperty("type").GetString() == "httpTrigger").ToDictionary();
        Assert.Equal(Syndication.Http.NewsletterRoutes.All.Select(r => r.Function).Order(StringComparer.Ordinal), http.Keys.Order(StringComparer.Ordinal));
        foreach (var route in Syndication.Http.NewsletterRoutes.All)
        {
            Assert.Equal("anonymous", http[route.Function].GetProperty("authLevel").GetString(), ignoreCase: true);
            Assert.Equal(route.Template, http[route.Function].GetProperty("route").GetString());
            Assert.Equal(string.Join(',', route.Methods), string.Join(',', http[route.Function].GetProperty("methods").EnumerateArray().Select(m => m.GetString())));
        }

        Assert.Equal("newsletter/c/{token}", http["NewsletterConfirm"].GetProperty("route").GetString());
    }

    [Fact]
    public void The_built_app_carries_host_json_and_every_schedule_setting_is_documented_and_deployed()
    {
        Assert.True(File.Exists(Path.Combine(BuiltApp, "host.json")));
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");
        var functionAppBicep = File.ReadAllText(Path.Combine(Repository.Root, "infra", "modules", "functionapp.bicep"));

        foreach (var schedule in Bindings().Values.Where(b => b.TryGetProperty("schedule", out _)).Select(b => b.GetProperty("schedule").GetString()!.Trim('%')))
        {
            Assert.True(values.TryGetProperty(schedule, out var value), $"local.settings.sample.json should document {schedule}.");
            Assert.True(ScheduleSettings.IsNcrontab(value.GetString()!));
            Assert.Contains($"{schedule}: ", functionAppBicep, StringComparison.Ordinal);
        }
    }


    [Fact]
    public void The_built_app_ships_no_developer_tooling()
    {
        // What `func azure functionapp publish` deploys is this folder: the Azurite launcher (npm ci, node) must not be in it.
        var assemblies = Directory.GetFiles(BuiltApp, "Syndication.*.dll").Select(Path.GetFileName).ToList();
        Assert.Contains("Syndication.Adapters.dll", assemblies);
        Assert.DoesNotContain("Syndication.DevTools.dll", assemblies);

        var types = assemblies.SelectMany(name => TypeNames(Path.Combine(BuiltApp, name!))).ToList();
        Assert.Contains("Syndication.Pipeline.FeedsStage", types);
        Assert.DoesNotContain(types, type => type.EndsWith(".Azurite", StringComparison.Ordinal));
    }

    /// <summary>The types an assembly defines, read from its metadata without loading it (the test run has its own copies loaded).</summary>
    private static IEnumerable<string> TypeNames(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return [.. reader.TypeDefinitions.Select(handle => reader.GetTypeDefinition(handle))
            .Select(type => reader.GetString(type.Namespace) + "." + reader.GetString(type.Name))];
    }
    private static IEnumerable<Type> FunctionClasses() =>
        typeof(SyndicationApp).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null));

    private static ServiceProvider Compose(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        SyndicationApp.ConfigureServices(services, configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public void Every_function_class_resolves_from_the_apps_own_registrations()
    {
        using var provider = Compose(new()
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["SweepSchedule"] = "0 */5 * * * *",
            ["FeedsSchedule"] = "30 */5 * * * *",
            ["UpstreamSchedule"] = "15 */5 * * * *",
            ["StatusSchedule"] = "45 */10 * * * *",
            ["TrendingSchedule"] = "45 */5 * * * *",
            ["NewsletterSchedule"] = "45 */5 * * * *",
            ["AlertSchedule"] = "*/20 * * * * *",
        });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var classes = FunctionClasses().ToList();
        Assert.Equal(17, classes.Count);
        foreach (var type in classes)
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(provider, type));
        }
    }

    [Fact]
    public void Missing_or_wrong_settings_stop_the_app_at_start_naming_each()
    {
        using var provider = Compose(new()
        {
            ["SweepSchedule"] = "every five minutes",
            ["Syndication:Site:BaseUrl"] = "not a url",
        });

        var ex = Assert.Throws<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var messages = string.Join('\n', ex.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures));

        Assert.Contains("AzureWebJobsStorage must be set", messages, StringComparison.Ordinal);
        Assert.Contains("SweepSchedule must be a six-field NCRONTAB", messages, StringComparison.Ordinal);
        Assert.Contains("FeedsSchedule must be a six-field NCRONTAB", messages, StringComparison.Ordinal);
        Assert.Contains("UpstreamSchedule must be a six-field NCRONTAB", messages, StringComparison.Ordinal);
        Assert.Contains("StatusSchedule must be a six-field NCRONTAB", messages, StringComparison.Ordinal);
        Assert.Contains("NewsletterSchedule must be a six-field NCRONTAB", messages, StringComparison.Ordinal);
        Assert.Contains("AlertSchedule must be a six-field NCRONTAB", messages, StringComparison.Ordinal);
        Assert.Contains("Syndication:Site:BaseUrl", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_blob_triggered_function_ingests_the_dropped_blob()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        const string file = "2026-11-23-grid-storage.md";
        await pipeline.DropZone.DropAsync(file, BinaryData.FromBytes(File.ReadAllBytes(Repository.Sample("articles", file))), CancellationToken.None);
        var function = new IngestDroppedFile(pipeline.Get<IngestStage>(), pipeline.Get<StageRunRecorder>());

        await function.Run(pipeline.Storage.Container("incoming").GetBlobClient(file), file, CancellationToken.None);

        var id = Syndication.Core.Articles.ArticleIdentity.IdFor("urn:newsml:syndication.example:20261123:grid-storage");
        var stored = await pipeline.Articles.GetAsync(id, CancellationToken.None);
        Assert.Equal("Texas grid leans on batteries as early cold snap tests winter readiness", stored!.Article.Headline);
        Assert.Empty(pipeline.Storage.Container("incoming").GetBlobs());
    }

    [Fact]
    public async Task The_timer_functions_sweep_incoming_and_build_feeds()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        const string file = "2026-11-23-grid-storage.md";
        await pipeline.DropZone.DropAsync(file, BinaryData.FromBytes(File.ReadAllBytes(Repository.Sample("articles", file))), CancellationToken.None);

        await new SweepIncoming(pipeline.Get<IngestStage>(), pipeline.Get<StageRunRecorder>()).Run(new TimerInfo(), CancellationToken.None);
        await new BuildFeeds(pipeline.Get<FeedPublishing>()).Run(new TimerInfo(), CancellationToken.None);

        var feed = await pipeline.Storage.Container("feeds").GetBlobClient("rss.xml").DownloadContentAsync();
        Assert.Contains("Texas grid leans on batteries", feed.Value.Content.ToString(), StringComparison.Ordinal);
    }
}
