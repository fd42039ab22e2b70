using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Syndication.Adapters.Storage;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Operations;

public sealed class MetricsTests
{
    /// <summary>Collects what one pipeline's <c>Syndication</c> meter reports, by instrument and stage.</summary>
    private sealed class MeterReadings : IDisposable
    {
        private readonly MeterListener _listener = new();

        public MeterReadings(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                // Only this pipeline's meter: other tests' pipelines run in parallel with meters of the same name.
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var stage = "";
                var outcome = "";
                foreach (var tag in tags)
                {
                    stage = tag.Key == "stage" ? tag.Value as string ?? "" : stage;
                    outcome = tag.Key == "outcome" ? tag.Value as string ?? "" : outcome;
                }

                Sums.AddOrUpdate((instrument.Name, stage, outcome), value, (_, sum) => sum + value);
            });
            _listener.Start();
        }

        public ConcurrentDictionary<(string Instrument, string Stage, string Outcome), long> Sums { get; } = new();

        public long this[string instrument, string stage, string outcome = ""] => Sums.GetValueOrDefault((instrument, stage, outcome));

        public void Dispose() => _listener.Dispose();
    }

    private static async Task DropSamplesAsync(TestPipeline pipeline)
    {
        foreach (var folder in new[] { "articles", "broken" })
        {
            foreach (var file in Directory.GetFiles(Repository.Sample(folder)))
            {
                await pipeline.DropZone.DropAsync(Path.GetFileName(file), BinaryData.FromBytes(File.ReadAllBytes(file)), CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task A_sweep_and_a_feed_build_report_ingested_rejected_duplicates_and_feeds_written()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        using var readings = new MeterReadings(pipeline.Get<PipelineMetrics>().Meter);
        var runs = pipeline.Get<StageRunRecorder>();
        await DropSamplesAsync(pipeline);
        const string again = "2026-11-23-grid-storage.md";

        var swept = await runs.RunAsync(StageNames.Ingest, "sweep", () => pipeline.Ingest.SweepAsync(null, CancellationToken.None), CancellationToken.None);
        var feeds = await runs.RunAsync(StageNames.Feeds, null, () => pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None), CancellationToken.None);
        await pipeline.DropZone.DropAsync(again, BinaryData.FromBytes(File.ReadAllBytes(Repository.Sample("articles", again))), CancellationToken.None);
        await runs.RunAsync(StageNames.Ingest, again, () => pipeline.Ingest.IngestAsync(again, CancellationToken.None), CancellationToken.None);

        var articles = Directory.GetFiles(Repository.Sample("articles")).Length;
        var broken = Directory.GetFiles(Repository.Sample("broken")).Length;
        Assert.Equal(articles + broken, swept.Count);
        Assert.Equal(articles, readings["syndication.articles.ingested", "ingest"]);
        Assert.Equal(broken, readings["syndication.files.rejected", "ingest"]);
        Assert.Equal(1, readings["syndication.articles.duplicates", "ingest"]);
        Assert.Equal(feeds.Count(f => f.Written), readings["syndication.feeds.written", "feeds"]);
        Assert.True(feeds.Count(f => f.Written) > 10, "the first build writes a feed per scope and format");
        Assert.Equal(feeds.Count(f => !f.Written), readings["syndication.feeds.unchanged", "feeds"]);
        Assert.Equal(2, readings["syndication.stage.runs", "ingest", "Succeeded"]);
        Assert.Equal(1, readings["syndication.stage.runs", "feeds", "Succeeded"]);
    }

    [Fact]
    public async Task A_poll_reports_feeds_polled_and_failed_and_the_items_it_ingested_as_upstream()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/down.xml")
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            context.Response.ContentType = "application/rss+xml; charset=utf-8";
            await context.Response.WriteAsync("""
                <?xml version="1.0" encoding="utf-8"?>
                <rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link><description>Wire</description>
                <item><title>Harbour cranes arrive for the new terminal</title><link>https://wire.example.org/cranes</link><guid>wire-2001</guid>
                <pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate><description>Four cranes arrived.</description></item>
                </channel></rss>
                """);
        });
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?>
        {
            ["Syndication:Upstream:AllowPrivateNetworks"] = "true",
            ["Syndication:Upstream:TimeoutSeconds"] = "5",
            ["Syndication:Upstream:Feeds:0:Name"] = "wire",
            ["Syndication:Upstream:Feeds:0:Url"] = server.Url("wire.xml").AbsoluteUri,
            ["Syndication:Upstream:Feeds:1:Name"] = "down",
            ["Syndication:Upstream:Feeds:1:Url"] = server.Url("down.xml").AbsoluteUri,
        });
        using var readings = new MeterReadings(pipeline.Get<PipelineMetrics>().Meter);

        await pipeline.Get<StageRunRecorder>().RunAsync(
            StageNames.Upstream, null, () => pipeline.Get<UpstreamStage>().PollAsync(force: false, CancellationToken.None), CancellationToken.None);

        Assert.Equal(2, readings["syndication.upstream.polled", "upstream"]);
        Assert.Equal(1, readings["syndication.upstream.failed", "upstream"]);
        Assert.Equal(1, readings["syndication.articles.ingested", "upstream"]);
        Assert.Equal(0, readings["syndication.articles.ingested", "ingest"]);
        Assert.Equal(1, readings["syndication.stage.runs", "upstream", "Warning"]);
        var run = Assert.Single(await pipeline.Get<StageRunStore>().NewestAsync(StageNames.Upstream, DateTimeOffset.MinValue, 10, CancellationToken.None));
        Assert.Equal(StageOutcome.Warning, run.Outcome);
        Assert.Contains("1 of 2 agency feeds failed: down", run.Detail, StringComparison.Ordinal);
    }
}
