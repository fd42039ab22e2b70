using System.Diagnostics;
using System.Globalization;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
using Xunit.Abstractions;

namespace Syndication.Tests.Newsletters;

/// <summary>Runs only when <c>SYNDICATION_MEASURE_SEND</c> names subscriber counts (<c>10000,100000</c>); see docs/benchmarks.md.</summary>
public sealed class MeasureFactAttribute : FactAttribute
{
    public MeasureFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SYNDICATION_MEASURE_SEND")))
        {
            Skip = "A measurement, not a test: set SYNDICATION_MEASURE_SEND=10000,100000 to run it.";
        }
    }
}

/// <summary>
/// Sends one issue to N subscribers through the loopback SendGrid and reports mail requests,
/// ledger transactions, time and the managed heap's peak during the send (sampled every 10 ms),
/// for each N: if memory is bounded by the batch, the peak does not grow with N.
/// </summary>
public sealed class SendMeasurement(ITestOutputHelper output)
{
    [MeasureFact]
    public async Task Send_to_many_subscribers_through_the_loopback_SendGrid()
    {
        foreach (var n in Environment.GetEnvironmentVariable("SYNDICATION_MEASURE_SEND")!.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)))
        {
            await using var sendGrid = await FakeSendGrid.StartCountingAsync();
            await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync(sendGrid.Settings(timeoutSeconds: 120));
            var seeding = Stopwatch.StartNew();
            for (var start = 0; start < n; start += 5000)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"N={n:N0}: seeding from {start:N0} ..."));
                await NewsletterStageTests.SeedAsync(pipeline, $"r{start}-", Math.Min(5000, n - start), sectors: ["health"]);
            }

            seeding.Stop();
            var ledger = pipeline.Get<SendLedger>();
            var edition = pipeline.Get<PublicationCatalog>().FindEdition("global")!;
            var transactions = ledger.Transactions;
            var storageBefore = pipeline.Counter.Total;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            long peak = baseline;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                    await Task.Delay(10);
                }
            });

            var clock = Stopwatch.StartNew();
            var report = await pipeline.Get<NewsletterStage>().SendIssueAsync(edition, NewsletterCadence.Daily, new DateOnly(2026, 11, 25), dryRun: false, CancellationToken.None);
            clock.Stop();
            await sampling.CancelAsync();
            await sampler;

            Assert.Equal(n, report.Sent);
            Assert.Equal(n, sendGrid.DeliveredCount);
            Assert.Equal((n + 999) / 1000, sendGrid.MailRequests);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"N={n:N0}: {sendGrid.MailRequests} mail requests (max {sendGrid.Personalizations.Max()} personalizations), " +
                $"{ledger.Transactions - transactions} ledger batch writes, {pipeline.Counter.Total - storageBefore} storage requests in all, " +
                $"send {clock.Elapsed.TotalSeconds:0.0} s ({n / clock.Elapsed.TotalSeconds:N0} recipients/s), " +
                $"managed heap before {baseline / 1048576.0:0.0} MB, peak during the send {peak / 1048576.0:0.0} MB; seeding took {seeding.Elapsed.TotalSeconds:0} s");
            output.WriteLine(line);
            Console.WriteLine(line); // as each size finishes, not only at the end
        }
    }
}
