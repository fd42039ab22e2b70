using System.Diagnostics;
using System.Globalization;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Syndication.Tests.Newsletters;

/// <summary>
/// From a breaking story's drop to its alert handed to the loopback SendGrid, for N opted-in
/// readers (<c>SYNDICATION_MEASURE_SEND</c>, as <see cref="SendMeasurement"/>): the drop is ingested
/// as the blob trigger would, the feed build runs as its trigger would, and the alert stage as its
/// timer would, back to back; the figure is the time from the drop to SendGrid's last 202.
/// </summary>
public sealed class AlertMeasurement(ITestOutputHelper output)
{
    [MeasureFact]
    public async Task Alert_to_many_opted_in_readers_through_the_loopback_SendGrid()
    {
        foreach (var n in Environment.GetEnvironmentVariable("SYNDICATION_MEASURE_SEND")!.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)))
        {
            await using var sendGrid = await FakeSendGrid.StartCountingAsync();
            await using var pipeline = await TestPipeline.StartAsync(sendGrid.Settings(timeoutSeconds: 120));
            await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
            var seeding = Stopwatch.StartNew();
            for (var start = 0; start < n; start += 5000)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"N={n:N0}: seeding from {start:N0} ..."));
                await AlertTests.SeedAsync(pipeline, $"r{start}-", Math.Min(5000, n - start), alerts: true);
            }

            seeding.Stop();
            var storageBefore = pipeline.Counter.Total;
            var clock = Stopwatch.StartNew();
            var ingest = await pipeline.DropAndIngestAsync("quake.md", AlertTests.Story("quake", "Strong earthquake strikes off the coast", urgency: 1, pipeline.Clock.GetUtcNow().AddMinutes(-1)));
            var ingested = clock.Elapsed;
            await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
            var built = clock.Elapsed;
            var reports = await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None);
            clock.Stop();

            var report = Assert.Single(reports);
            Assert.Equal(n, report.Send!.Sent);
            Assert.Equal(n, sendGrid.DeliveredCount);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"N={n:N0}: drop to last 202 {clock.Elapsed.TotalSeconds:0.0} s (ingest {ingested.TotalSeconds:0.0} s, feed build {(built - ingested).TotalSeconds:0.0} s, " +
                $"alert send {(clock.Elapsed - built).TotalSeconds:0.0} s, {n / (clock.Elapsed - built).TotalSeconds:N0} recipients/s); {sendGrid.MailRequests} mail requests, " +
                $"{pipeline.Counter.Total - storageBefore} storage requests; seeding took {seeding.Elapsed.TotalSeconds:0} s; article {ingest.ArticleId}");
            output.WriteLine(line);
            Console.WriteLine(line);
        }
    }
}
