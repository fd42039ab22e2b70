using System.Diagnostics;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
using Syndication.Tests.Newsletters;
using Xunit.Abstractions;

namespace Syndication.Tests.Faults;

/// <summary>SendGrid misbehaving in every way it does, at once, while an issue goes to thousands.</summary>
[Collection(HeavyWriters.Name)]
public sealed class SendGridStormTests(ITestOutputHelper output)
{
    /// <summary>The largest list that keeps this test near a minute here (the ledger's writes to Azurite are the slow part).</summary>
    private const int Subscribers = 4000;

    private const int Seed = 20261126;

    private static readonly DateOnly Today = new(2026, 11, 25);

    /// <summary>
    /// The answers to a send of <paramref name="batches"/> batches, drawn from a seed: before each
    /// batch's final answer up to three retryable faults (bursts of 429 with Retry-After 1 s, and
    /// 500s), so no batch runs out of its five attempts; one batch (at a drawn place) is accepted but
    /// answered too late, another refused as too large (413, so it goes again in two halves).
    /// </summary>
    internal static List<SendGridFault> Storm(int seed, int batches)
    {
        var random = new Random(seed);
        var timeoutAt = random.Next(batches);
        var tooLargeAt = (timeoutAt + 1 + random.Next(batches - 1)) % batches;
        var plan = new List<SendGridFault>();
        for (var batch = 0; batch < batches + 2; batch++)
        {
            var retryable = random.Next(4);
            for (var i = 0; i < retryable; i++)
            {
                plan.Add(random.NextDouble() < 0.65 ? SendGridFault.TooManyRequests : SendGridFault.ServerError);
            }

            plan.Add(batch == timeoutAt ? SendGridFault.AcceptThenTimeout : batch == tooLargeAt ? SendGridFault.TooLarge : SendGridFault.None);
        }

        return plan;
    }

    [Fact]
    public async Task Through_a_seeded_storm_of_429s_500s_a_timeout_and_a_413_each_of_4000_readers_gets_one_email_with_retries_as_injected()
    {
        var started = Stopwatch.StartNew();
        await using var sendGrid = await FakeSendGrid.StartAsync(recordContent: false);
        sendGrid.TimeoutDelay = TimeSpan.FromSeconds(12);

        // 5 s: a 1,000-recipient request is answered well within it even on a busy machine, the late answer (12 s) is not.
        await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync(sendGrid.Settings(timeoutSeconds: 5));
        var confirmed = await NewsletterStageTests.SeedAsync(pipeline, "reader", Subscribers, sectors: ["health"]);
        await NewsletterStageTests.SeedAsync(pipeline, "pending", 20, state: SubscriberState.Pending, sectors: ["health"]);
        await NewsletterStageTests.SeedAsync(pipeline, "gone", 20, state: SubscriberState.Unsubscribed, sectors: ["health"]);
        var seeded = started.Elapsed;
        var batches = (Subscribers + 999) / 1000;
        var plan = Storm(Seed, batches);
        sendGrid.Queue([.. plan]);

        var report = await pipeline.Get<NewsletterStage>().SendIssueAsync(
            pipeline.Get<Syndication.Core.Catalog.PublicationCatalog>().FindEdition("global")!, NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);
        var log = sendGrid.Log.OrderBy(r => r.Number).ToList();
        output.WriteLine($"Seeded in {seeded.TotalSeconds:0.0} s, sent in {(started.Elapsed - seeded).TotalSeconds:0.0} s; requests: " +
            string.Join(" ", log.Select(r => r.Fault == SendGridFault.None ? r.Personalizations.ToString(System.Globalization.CultureInfo.InvariantCulture) : r.Fault.ToString())));

        // The storm really blew: every kind of fault reached the sender.
        int Injected(SendGridFault fault) => log.Count(r => r.Fault == fault);
        Assert.True(Injected(SendGridFault.TooManyRequests) >= 3, "fewer than three 429s were injected");
        Assert.True(Injected(SendGridFault.ServerError) >= 1, "no 500 was injected");
        Assert.Equal(1, Injected(SendGridFault.AcceptThenTimeout));
        Assert.Equal(1, Injected(SendGridFault.TooLarge));

        // What readers see: each confirmed one an email, exactly one; nobody else anything.
        Mail.AssertExactlyOnce(sendGrid.Delivered, confirmed);

        // What the operator sees: the late-answered batch is uncertain (it went, and was not resent), the issue is done.
        var uncertain = log.Single(r => r.Fault == SendGridFault.AcceptThenTimeout).Personalizations;
        Assert.True(report.Finished);
        Assert.Equal(uncertain, report.Uncertain);
        Assert.Equal(Subscribers - uncertain, report.Sent);
        Assert.Equal(0, report.Failed);
        Assert.Equal(0, report.Retry);

        // Requests: one per 1,000 readers, one more per 429 or 500, and two more per 413 (the refused one, and its halves' extra).
        var retries = Injected(SendGridFault.TooManyRequests) + Injected(SendGridFault.ServerError);
        Assert.Equal(batches + retries + (2 * Injected(SendGridFault.TooLarge)), sendGrid.MailRequests);
        var ledger = await pipeline.Get<SendLedger>().BatchesAsync("global/2026-11-25", CancellationToken.None);
        Assert.Equal(retries, ledger.Sum(b => b.Attempts - 1));
        Assert.Single(ledger, b => b.State == BatchState.Retry && b.Reason!.StartsWith("413", StringComparison.Ordinal));
        Assert.Single(ledger, b => b.State == BatchState.Uncertain);

        // Retry-After: 1 was honoured: the next request came no sooner than a second after each 429
        // (less 20 ms for the coarser clock of the client's timer).
        foreach (var tooMany in log.Where(r => r.Fault == SendGridFault.TooManyRequests))
        {
            var next = log.Single(r => r.Number == tooMany.Number + 1);
            var waited = next.Arrived - tooMany.Answered;
            Assert.True(waited >= TimeSpan.FromMilliseconds(980), $"request {next.Number} came {waited.TotalMilliseconds:0} ms after the 429 of request {tooMany.Number}");
        }

        output.WriteLine($"Total {started.Elapsed.TotalSeconds:0.0} s; {report.Sent} sent, {report.Uncertain} uncertain, {sendGrid.MailRequests} requests for {batches} batches and {retries} retries.");
    }
}
