using System.Text;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;
using Syndication.Core.Trending;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Newsletters;

public sealed class NewsletterStageTests
{
    private static readonly string[] SampleStories =
    [
        "2026-11-24-dengue-vaccine-rollout.ninjs.json",
        "2026-11-24-monsoon-crop-insurance.ninjs.json",
        "2026-11-23-grid-storage.md",
        "2026-11-22-millet-school-meals.md",
    ];

    private static readonly DateOnly Today = new(2026, 11, 25);

    /// <summary>A pipeline (clock at 09:00 UTC on 25 November 2026) whose index holds a few sample stories.</summary>
    internal static async Task<TestPipeline> PipelineWithStoriesAsync(Dictionary<string, string?>? settings = null, TestAccount? account = null)
    {
        var pipeline = await TestPipeline.StartAsync(settings, account);
        foreach (var file in SampleStories)
        {
            await pipeline.DropAndIngestAsync(file, File.ReadAllBytes(Repository.Sample("articles", file)));
        }

        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        return pipeline;
    }

    internal static async Task<List<Subscriber>> SeedAsync(
        TestPipeline pipeline,
        string prefix,
        int count,
        string edition = "global",
        SubscriberState state = SubscriberState.Confirmed,
        NewsletterCadence cadence = NewsletterCadence.Daily,
        string[]? sectors = null)
    {
        var ids = pipeline.Get<SubscriberIds>();
        var list = Enumerable.Range(0, count).Select(i =>
        {
            var email = $"{prefix}{i}@example.com";
            return new Subscriber
            {
                Id = ids.IdFor(EmailAddress.Parse(email)),
                Email = email,
                Edition = edition,
                Sectors = sectors ?? (i % 2 == 0 ? ["health"] : []),
                Cadence = cadence,
                State = state,
                Created = pipeline.Clock.GetUtcNow(),
                ConfirmedAt = state == SubscriberState.Confirmed ? pipeline.Clock.GetUtcNow() : null,
            };
        }).ToList();
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        await pipeline.Get<SubscriberStore>().ImportAsync(list, CancellationToken.None);
        return list;
    }

    private static Edition Global(TestPipeline pipeline) => pipeline.Get<PublicationCatalog>().FindEdition("global")!;

    private static void AssertExactlyOnce(IEnumerable<DeliveredMail> delivered, IEnumerable<Subscriber> expected)
    {
        var counts = delivered.GroupBy(m => m.Subscriber).ToDictionary(g => g.Key, g => g.Count());
        var wanted = expected.Select(s => s.Id).ToHashSet();
        Assert.Empty(counts.Where(c => c.Value != 1).Select(c => $"{c.Key} got {c.Value} emails"));
        Assert.Empty(wanted.Except(counts.Keys).Select(id => $"{id} got nothing"));
        Assert.Empty(counts.Keys.Except(wanted).Select(id => $"{id} should have got nothing"));
    }

    [Fact]
    public async Task The_current_issue_is_of_today_in_the_editions_zone_and_a_weekly_one_of_its_last_send_day()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var stage = pipeline.Get<NewsletterStage>();
        var catalog = pipeline.Get<PublicationCatalog>();
        var (india, us) = (catalog.FindEdition("india")!, catalog.FindEdition("us")!);

        // 20:00 UTC on Wednesday 25 November: already Thursday in India, still Wednesday in New York.
        pipeline.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 20, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2026, 11, 26), stage.CurrentIssueDate(india, NewsletterCadence.Daily));
        Assert.Equal(new DateOnly(2026, 11, 25), stage.CurrentIssueDate(us, NewsletterCadence.Daily));
        Assert.Equal(new DateOnly(2026, 11, 23), stage.CurrentIssueDate(india, NewsletterCadence.Weekly)); // Mondays
        pipeline.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 0, 30, 0, TimeSpan.Zero)); // Monday in India, Sunday in New York
        Assert.Equal(new DateOnly(2026, 11, 30), stage.CurrentIssueDate(india, NewsletterCadence.Weekly));
        Assert.Equal(new DateOnly(2026, 11, 23), stage.CurrentIssueDate(us, NewsletterCadence.Weekly));
    }

    [Fact]
    public async Task Through_429s_500s_a_timeout_and_a_413_every_confirmed_subscriber_gets_one_email_and_nobody_else_any()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await PipelineWithStoriesAsync(sendGrid.Settings(batchSize: 40));
        var confirmed = await SeedAsync(pipeline, "reader", 200);
        var india = await SeedAsync(pipeline, "india-reader", 30, edition: "india");
        await SeedAsync(pipeline, "pending", 5, state: SubscriberState.Pending);
        await SeedAsync(pipeline, "gone", 5, state: SubscriberState.Unsubscribed);
        await SeedAsync(pipeline, "weekly", 5, cadence: NewsletterCadence.Weekly); // Wednesday: not their day
        var bounced = await SeedAsync(pipeline, "bounced", 5);
        foreach (var subscriber in bounced)
        {
            await pipeline.Get<SuppressionList>().AddAsync(subscriber.Id, SuppressionReason.HardBounce, pipeline.Clock.GetUtcNow(), CancellationToken.None);
            await pipeline.Get<SubscriberStore>().MarkSuppressedAsync(subscriber.Id, pipeline.Clock.GetUtcNow(), CancellationToken.None);
        }

        sendGrid.Queue(SendGridFault.TooManyRequests, SendGridFault.TooManyRequests, SendGridFault.ServerError, SendGridFault.AcceptThenTimeout, SendGridFault.TooLarge, SendGridFault.ServerError);
        var reports = await pipeline.Get<NewsletterStage>().SendDueAsync(CancellationToken.None);

        AssertExactlyOnce(sendGrid.Delivered, confirmed.Concat(india));
        var global = Assert.Single(reports, r => r.IssueKey == "global/2026-11-25");
        Assert.True(global.Finished);
        Assert.Equal(40, global.Uncertain); // the timed-out batch went out, and was not sent again
        Assert.Equal(160, global.Sent);
        Assert.Contains(global.Failures, f => f.Contains("No answer within 1 s", StringComparison.Ordinal));
        Assert.All(sendGrid.Delivered.Where(m => m.Subscriber.Length > 0 && india.Any(s => s.Id == m.Subscriber)), m => Assert.Equal("india/2026-11-25", m.Issue));

        // The timer fires again, and again: the issues are done.
        var before = sendGrid.MailRequests;
        Assert.DoesNotContain(await pipeline.Get<NewsletterStage>().SendDueAsync(CancellationToken.None), r => r.IssueKey is "global/2026-11-25" or "india/2026-11-25");
        var again = await pipeline.Get<NewsletterStage>().SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);
        Assert.Equal(0, again.Planned);
        Assert.Equal(before, sendGrid.MailRequests);
    }

    [Fact]
    public async Task A_run_cancelled_half_way_resumes_with_only_the_unsent_and_who_unsubscribes_mid_run_gets_nothing_more()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await PipelineWithStoriesAsync(sendGrid.Settings(batchSize: 20));
        var confirmed = await SeedAsync(pipeline, "reader", 200, sectors: ["health"]);
        var store = pipeline.Get<SubscriberStore>();
        // Someone already listed for a later batch when they leave: the list is read a partition (id
        // bucket) at a time, so the leaver shares the bucket of the first batch's last reader.
        var sorted = confirmed.OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        var leaver = sorted.Skip(20).First(s => s.Id[0] == sorted[19].Id[0]);
        using var cancel = new CancellationTokenSource();
        sendGrid.OnRequest = n =>
        {
            if (n == 1)
            {
                // As the unsubscribe page does, while the first batch is being sent.
                store.SaveAsync(leaver with { State = SubscriberState.Unsubscribed, UnsubscribedAt = pipeline.Clock.GetUtcNow() }, leaver.Edition, pipeline.Clock.GetUtcNow(), CancellationToken.None).GetAwaiter().GetResult();
            }

            if (n == 5)
            {
                cancel.Cancel();
            }
        };
        var stage = pipeline.Get<NewsletterStage>();

        var first = await stage.SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, cancel.Token);

        // Five batches went (the one in flight when the run was cancelled finished), the third without the leaver.
        Assert.False(first.Finished);
        Assert.Equal(1, first.OptedOutDuringRun);
        Assert.Equal(99, first.Sent);
        Assert.Equal(99, sendGrid.Delivered.Count);

        var second = await stage.SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);

        Assert.True(second.Finished);
        Assert.Equal(99, second.AlreadyHandled);
        Assert.Equal(100, second.Sent);
        AssertExactlyOnce(sendGrid.Delivered, confirmed.Where(s => s.Id != leaver.Id));
    }

    [Fact]
    public async Task Two_runs_sending_the_same_issue_at_once_send_each_reader_one_email()
    {
        // The timer and an editor's `newsletter send` at the same moment: one holds the issue's
        // lease and sends; the other waits for it, then finds the issue done.
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await PipelineWithStoriesAsync(sendGrid.Settings(batchSize: 20, timeoutSeconds: 60));
        var confirmed = await SeedAsync(pipeline, "reader", 120, sectors: ["health"]);
        var stage = pipeline.Get<NewsletterStage>();
        Task<IssueReport> Send() => Task.Run(() => stage.SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None));

        // The overlap is forced, not hoped for: the first run is held at its first batch (answered
        // late, within the client's timeout), with the issue's lease, until the second has tried
        // the lease and found it taken (it tries every
        // second; the holder renews every five, so two more lease requests include the second's).
        using var release = new ManualResetEventSlim();
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sendGrid.OnRequest = _ =>
        {
            sending.TrySetResult();
            release.Wait(TimeSpan.FromMinutes(2));
        };
        long LeaseRequests() => pipeline.Counter.ByOperation.GetValueOrDefault("blob write PUT lease");

        var first = Send();
        await sending.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var leases = LeaseRequests();
        var second = Send();
        while (LeaseRequests() < leases + 2 && !second.IsCompleted)
        {
            await Task.Delay(20);
        }

        Assert.False(second.IsCompleted);
        release.Set();
        var runs = await Task.WhenAll(first, second);

        AssertExactlyOnce(sendGrid.Delivered, confirmed);
        Assert.Equal([0, 120], runs.Select(r => r.Sent).Order());
        Assert.All(runs, r => Assert.True(r.Finished));
    }

    [Fact]
    public async Task A_run_that_finds_another_still_sending_the_issue_stands_aside_and_says_why()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await PipelineWithStoriesAsync(sendGrid.Settings(batchSize: 20));
        var confirmed = await SeedAsync(pipeline, "reader", 40, sectors: ["health"]);
        var stage = pipeline.Get<NewsletterStage>();
        var newsletters = pipeline.Storage.Container(StorageNames.NewslettersContainer);

        // Another process holds the issue's lease (and renews it) for longer than a run waits.
        IssueReport aside;
        await using (var other = await RunLease.TryAcquireAsync(newsletters, "sending/global/2026-11-25.lease", TimeSpan.Zero, CancellationToken.None))
        {
            Assert.NotNull(other);
            aside = await stage.SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);
        }

        Assert.Equal(0, aside.Sent);
        Assert.False(aside.Finished);
        Assert.Contains(aside.Failures, f => f.Contains("another run is sending this issue", StringComparison.Ordinal));
        Assert.Empty(sendGrid.Delivered);

        // Let go, the next run sends.
        var next = await stage.SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);
        Assert.True(next.Finished);
        AssertExactlyOnce(sendGrid.Delivered, confirmed);
    }

    [Fact]
    public async Task A_ledger_written_when_recipients_had_a_row_each_is_still_honoured_by_the_next_run()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await PipelineWithStoriesAsync(sendGrid.Settings());
        var confirmed = await SeedAsync(pipeline, "reader", 30);

        // As a run before the ids moved onto the batch rows left it: a sent batch without ids, and a
        // recipient row per reader it went to.
        var sentBefore = confirmed.OrderBy(s => s.Id, StringComparer.Ordinal).Take(12).ToList();
        var table = pipeline.Storage.Table(StorageNames.SendLedgerTable);
        const string issue = "global/2026-11-25";
        await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(SendLedger.Partition(issue), SendLedger.BatchRow(1))
        {
            ["State"] = nameof(BatchState.Sent),
            ["Recipients"] = 12,
            ["MessageId"] = "earlier",
            ["Attempts"] = 1,
        });
        foreach (var reader in sentBefore)
        {
            await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(SendLedger.RecipientPartition(issue, reader.Id), "r" + reader.Id) { ["Batch"] = 1 });
        }

        var report = await pipeline.Get<NewsletterStage>().SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);

        Assert.True(report.Finished);
        Assert.Equal((18, 12), (report.Sent, report.AlreadyHandled));
        AssertExactlyOnce(sendGrid.Delivered, confirmed.Except(sentBefore));
    }

    [Fact]
    public async Task Sending_to_2500_costs_three_mail_requests_and_one_ledger_write_per_batch_with_opaque_custom_args_and_one_click_unsubscribe()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await PipelineWithStoriesAsync(sendGrid.Settings(timeoutSeconds: 60));
        var confirmed = await SeedAsync(pipeline, "reader", 2500, sectors: ["health", "economy"]);
        var ledger = pipeline.Get<SendLedger>();
        var transactionsBefore = ledger.Transactions;

        var report = await pipeline.Get<NewsletterStage>().SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);

        Assert.Equal(2500, report.Sent);
        Assert.Equal(3, sendGrid.MailRequests);
        Assert.Equal([1000, 1000, 500], sendGrid.Personalizations.ToArray());
        // A batch's recipients go on its ledger row, in one write before it is sent, whatever its size.
        Assert.Equal(3, ledger.Transactions - transactionsBefore);
        var planned = await ledger.PlannedAsync("global/2026-11-25", CancellationToken.None);
        Assert.Equal(confirmed.Select(s => s.Id).Order(StringComparer.Ordinal), planned.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([1000, 1000, 500], planned.GroupBy(p => p.Value).OrderBy(g => g.Key).Select(g => g.Count()));
        AssertExactlyOnce(sendGrid.Delivered, confirmed);

        var mail = sendGrid.Delivered.First(m => m.Html.Length > 0);
        Assert.Equal(["batch", "issue", "subscriber"], mail.CustomArgs.Keys.Order(StringComparer.Ordinal));
        Assert.All(sendGrid.Delivered, m => Assert.Equal(planned[m.Subscriber], SendLedger.BatchNumber(m.CustomArgs["batch"])));
        Assert.DoesNotContain(mail.CustomArgs.Values, v => v.Contains('@', StringComparison.Ordinal));
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        var unsubscribeUrl = mail.Headers["List-Unsubscribe"].Split(',')[0].Trim('<', '>', ' ');
        Assert.StartsWith("https://news.example.com/newsletter/u/", unsubscribeUrl, StringComparison.Ordinal);
        Assert.Contains("mailto:unsubscribe@news.example.com", mail.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        var token = unsubscribeUrl[(unsubscribeUrl.LastIndexOf('/') + 1)..];
        Assert.Equal(mail.Subscriber, pipeline.Get<SubscriberTokens>().Verify(token, TokenPurpose.Unsubscribe).Token!.SubscriberId);
        Assert.Contains(unsubscribeUrl, mail.Html, StringComparison.Ordinal); // the footer link is the reader's own
        Assert.Contains(unsubscribeUrl, mail.Text, StringComparison.Ordinal);
        Assert.Contains("https://news.example.com/newsletter/archive/global/2026-11-25", mail.Html, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(mail.Html) < 100 * 1024);
    }

    [Fact]
    public async Task A_4xx_is_recorded_with_its_reason_and_not_resent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = sendGrid.Settings(batchSize: 10);
        settings["Syndication:Newsletter:SendGridApiKey"] = "SG.wrong-key";
        await using var pipeline = await PipelineWithStoriesAsync(settings);
        await SeedAsync(pipeline, "reader", 10, sectors: ["health"]);
        var stage = pipeline.Get<NewsletterStage>();

        var report = await stage.SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);
        await stage.SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);

        Assert.Equal(10, report.Failed);
        Assert.Contains(report.Failures, f => f.Contains("401", StringComparison.Ordinal));
        Assert.Equal(1, sendGrid.MailRequests);
        var batch = Assert.Single(await pipeline.Get<SendLedger>().BatchesAsync("global/2026-11-25", CancellationToken.None));
        Assert.Equal(BatchState.Failed, batch.State);
        Assert.StartsWith("401", batch.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_SendGrid_key_every_email_lands_in_the_outbox_as_eml_and_the_issue_is_archived_with_the_trending_list()
    {
        await using var pipeline = await PipelineWithStoriesAsync();
        var confirmed = await SeedAsync(pipeline, "reader", 3);
        await SeedAsync(pipeline, "pending", 2, state: SubscriberState.Pending);
        await pipeline.Get<TrendingDocumentStore>().PublishAsync(GlobalTrending, "no-cache", CancellationToken.None);

        var report = await pipeline.Get<NewsletterStage>().SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);

        Assert.Equal(3, report.Sent);
        var outbox = pipeline.Storage.Container(StorageNames.OutboxContainer);
        var files = outbox.GetBlobs().Select(b => b.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(confirmed.Select(s => $"global/2026-11-25/{s.Id}.eml").Order(StringComparer.Ordinal), files);
        var eml = (await outbox.GetBlobClient(files[0]).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("List-Unsubscribe: <https://news.example.com/newsletter/u/", eml, StringComparison.Ordinal);
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", eml, StringComparison.Ordinal);
        Assert.Contains("Content-Type: multipart/alternative", eml, StringComparison.Ordinal);
        Assert.Matches("To: reader[0-2]@example.com", eml);

        var archive = (await pipeline.Storage.Container(StorageNames.NewslettersContainer).GetBlobClient("global/2026-11-25.html").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("Most read today", archive, StringComparison.Ordinal);
        Assert.True(archive.IndexOf("Most read today", StringComparison.Ordinal) < archive.IndexOf("Second most read", StringComparison.Ordinal));
        Assert.DoesNotContain("/newsletter/u/", archive, StringComparison.Ordinal); // nobody's token in a shareable page
    }

    [Fact]
    public async Task A_trending_file_that_is_not_a_trending_document_leaves_the_issue_without_a_trending_list()
    {
        await using var pipeline = await PipelineWithStoriesAsync();
        await SeedAsync(pipeline, "reader", 1);

        // The shape before trending documents carried their scores: hand-written, or left by an old version.
        await pipeline.Storage.Feeds.GetBlobClient("trending/global.json").UploadAsync(BinaryData.FromString("""
            { "edition": "global", "items": [ { "rank": 1, "articleId": "a", "headline": "Most read today", "url": "https://news.example.com/news/first" } ] }
            """));

        var report = await pipeline.Get<NewsletterStage>().SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);

        Assert.Equal(1, report.Sent);
        var archive = (await pipeline.Storage.Container(StorageNames.NewslettersContainer).GetBlobClient("global/2026-11-25.html").DownloadContentAsync()).Value.Content.ToString();
        Assert.DoesNotContain("Most read today", archive, StringComparison.Ordinal);
    }

    /// <summary>The Global box as the trending stage publishes it, its places stored out of order.</summary>
    private static readonly TrendingDocument GlobalTrending = new()
    {
        Edition = "global",
        ComputedAt = new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero),
        Formula = new TrendingFormula(4, 48, 100, 0.1),
        DecayedTotal = 500,
        Items = [TrendingPlace(2, "b", "Second most read", "second"), TrendingPlace(1, "a", "Most read today", "first")],
    };

    private static TrendingDocumentItem TrendingPlace(int rank, string id, string headline, string slug) => new()
    {
        Rank = rank,
        ArticleId = id,
        Headline = headline,
        Url = new Uri($"https://news.example.com/news/{slug}"),
        Section = SectionType.News,
        Published = new DateTimeOffset(2026, 11, 25, 4, 0, 0, TimeSpan.Zero),
        Score = 1.0 / rank,
        Views = 100 / rank,
        DecayedViews = 100 / rank,
        GlobalShare = 0.1,
        PriorViews = 10,
        Held = false,
    };
}
