using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using Syndication.Functions;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Functions;

/// <summary>The app's telemetry, exported to a loopback server that plays Application Insights' ingestion endpoint.</summary>
public sealed class TelemetryTests
{
    private static IConfiguration Settings(string? connectionString) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["SweepSchedule"] = "0 */5 * * * *",
            ["FeedsSchedule"] = "30 */5 * * * *",
            ["UpstreamSchedule"] = "15 */5 * * * *",
            ["StatusSchedule"] = "45 */10 * * * *",
            [SyndicationApp.ApplicationInsightsSetting] = connectionString,
        })
        .Build();

    [Fact]
    public void Without_a_connection_string_nothing_is_exported()
    {
        var services = new ServiceCollection();

        var exported = SyndicationApp.ConfigureTelemetry(services, Settings(null));

        Assert.False(exported);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(MeterProvider));
    }

    [Fact]
    public async Task With_one_log_lines_carry_their_stage_and_file_and_the_meter_reaches_the_ingestion_endpoint()
    {
        var received = new ConcurrentQueue<string>();
        await using var ingestion = await LoopbackServer.StartAsync(async context =>
        {
            context.Request.Body.Position = 0;
            Stream body = context.Request.Body;
            if (context.Request.Headers.ContentEncoding == "gzip")
            {
                body = new GZipStream(body, CompressionMode.Decompress, leaveOpen: true);
            }

            using var reader = new StreamReader(body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            received.Enqueue(text);
            var items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"itemsReceived":{{items}},"itemsAccepted":{{items}},"errors":[]}""");
        });
        var connectionString = $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={ingestion.BaseUrl};LiveEndpoint={ingestion.BaseUrl}";
        var configuration = Settings(connectionString);

        // The exporter's self-reporting (Statsbeat) would go to Microsoft's endpoints: never from a test.
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");
        var services = new ServiceCollection();
        services.AddLogging();
        SyndicationApp.ConfigureServices(services, configuration);
        Assert.True(SyndicationApp.ConfigureTelemetry(services, configuration));
        var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        var loggers = provider.GetRequiredService<LoggerProvider>();
        var runs = provider.GetRequiredService<StageRunRecorder>();
        var logger = provider.GetRequiredService<ILogger<IngestStage>>();

        using (logger.BeginScope(new Dictionary<string, object?> { ["Stage"] = StageNames.Ingest, ["File"] = "story.md" }))
        {
            logger.LogWarning("Rejected {File}: {Reason}", "story.md", "The file is empty.");
        }

        runs.Add(StageCounts.Rejected, 1, StageNames.Ingest);
        Assert.True(loggers.ForceFlush(20_000));
        Assert.True(meters.ForceFlush(20_000));
        await provider.DisposeAsync();

        var all = string.Join("\n", received);
        Assert.Contains("Rejected story.md: The file is empty.", all, StringComparison.Ordinal);
        Assert.Contains("\"Stage\":\"ingest\"", all, StringComparison.Ordinal);
        Assert.Contains("\"File\":\"story.md\"", all, StringComparison.Ordinal);
        Assert.Contains("syndication.files.rejected", all, StringComparison.Ordinal);
        Assert.Contains("\"stage\":\"ingest\"", all, StringComparison.Ordinal);
        Assert.All(ingestion.Requests, r => Assert.Equal("POST", r.Method));
    }
}
