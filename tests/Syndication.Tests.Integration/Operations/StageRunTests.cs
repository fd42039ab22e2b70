using Syndication.Adapters.Storage;
using Syndication.Pipeline.Operations;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Operations;

public sealed class StageRunTests
{
    [Fact]
    public async Task Each_run_is_one_row_newest_first_with_its_counts_and_a_failed_run_keeps_its_error_and_still_throws()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var runs = pipeline.Get<StageRunRecorder>();
        var store = pipeline.Get<StageRunStore>();

        await runs.RunAsync(StageNames.Newsletter, "2026-11-25-india", () =>
        {
            runs.Add(StageCounts.EmailsSent, 40);
            runs.Add(StageCounts.EmailsFailed, 2);
            runs.Warn("2 mails failed after retries");
            return Task.CompletedTask;
        }, CancellationToken.None);
        pipeline.Clock.Advance(TimeSpan.FromMinutes(5));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => runs.RunAsync(
            StageNames.Newsletter, "2026-11-25-india", () => throw new InvalidOperationException("SendGrid refused the key (401)"), CancellationToken.None));
        pipeline.Counter.Reset();
        await runs.RunAsync(StageNames.Feeds, null, () => Task.CompletedTask, CancellationToken.None);

        Assert.Equal("SendGrid refused the key (401)", failure.Message);
        Assert.Equal(1, pipeline.Counter.Writes); // one row per run, nothing else
        var newsletter = await store.NewestAsync(StageNames.Newsletter, DateTimeOffset.MinValue, 10, CancellationToken.None);
        Assert.Equal([StageOutcome.Failed, StageOutcome.Warning], newsletter.Select(r => r.Outcome));
        Assert.Equal("SendGrid refused the key (401)", newsletter[0].Detail);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 5, 0, TimeSpan.Zero), newsletter[0].StartedAt);
        Assert.Equal(40, newsletter[1].Count(StageCounts.EmailsSent));
        Assert.Equal(2, newsletter[1].Count(StageCounts.EmailsFailed));
        Assert.Equal("2 mails failed after retries", newsletter[1].Detail);
        Assert.Equal("2026-11-25-india", newsletter[1].Subject);
        var since = await store.NewestAsync(StageNames.Newsletter, pipeline.Clock.GetUtcNow(), 10, CancellationToken.None);
        Assert.Single(since);
    }
}
