using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;
using Syndication.Core.Status;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Newsletters;

/// <summary>The delivery report from SendGrid's events, and sending within caps, warm-up and SendGrid's push-back.</summary>
public sealed class DeliveryReportTests
{
    private const string Issue = "global/2026-11-25";
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static Edition Global(TestPipeline pipeline) => pipeline.Get<PublicationCatalog>().FindEdition("global")!;

    private static async Task<HashSet<string>> DeliveredOnceAsync(FakeSendGrid sendGrid, string issue)
    {
        await Task.Yield();
        var mails = sendGrid.Delivered.Where(m => m.Issue == issue).ToList();
        var twice = mails.GroupBy(m => m.Subscriber).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(twice);
        return [.. mails.Select(m => m.Subscriber)];
    }

    [Fact]
    public async Task Signed_events_posted_twice_out_of_order_and_at_once_give_exact_counts_in_the_report_its_json_and_on_the_status_page()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = sendGrid.Settings();
        settings["Syndication:Newsletter:WebhookVerificationKey"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
        await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync(settings);
        await NewsletterStageTests.SeedAsync(pipeline, "reader", 10);
        await pipeline.Get<NewsletterStage>().SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);
        var r = sendGrid.Delivered.OrderBy(m => m.To, StringComparer.Ordinal).ToList();
        Assert.Equal(10, r.Count);
        var t = pipeline.Clock.GetUtcNow().ToUnixTimeSeconds();
        var id = 0;
        string Ev(DeliveredMail to, string name, long at, string extra = "") =>
            $$"""{"email":"{{to.To}}","timestamp":{{at}},"event":"{{name}}","sg_event_id":"ev-{{++id}}","sg_message_id":"m.{{to.Subscriber}}","issue":"{{to.Issue}}","batch":"{{to.CustomArgs["batch"]}}","subscriber":"{{to.Subscriber}}"{{extra}}}""";
        const string Machine = ",\"sg_machine_open\":true";
        const string Person = ",\"sg_machine_open\":false";

        // The clicks of r[2] and r[3] come before their deliveries: r[2]'s, 3 s after delivery, is a scanner's;
        // r[3] clicks again 400 s after (its later click is in this batch, its earlier one in the next).
        var first = new[]
        {
            Ev(r[2], "click", t + 3, ",\"url\":\"https://news.example.com/a\""), Ev(r[3], "click", t + 400),
            Ev(r[0], "processed", t - 1), Ev(r[0], "delivered", t), Ev(r[0], "open", t + 1, Machine), Ev(r[0], "open", t + 600, Person),
            Ev(r[1], "processed", t - 1), Ev(r[1], "delivered", t), Ev(r[1], "open", t + 2, Machine),
            Ev(r[7], "deferred", t + 1), Ev(r[7], "deferred", t + 60),

            // Signed, but for someone the batch it names did not list: it counts nothing.
            Ev(r[0] with { To = "outsider@example.com", Subscriber = "0123456789abcdef" }, "delivered", t),
        };
        var second = new[]
        {
            Ev(r[0], "open", t + 900, Person), // a second open by the same reader
            Ev(r[2], "processed", t - 1), Ev(r[2], "delivered", t),
            Ev(r[3], "processed", t - 1), Ev(r[3], "delivered", t), Ev(r[3], "click", t + 3),
            Ev(r[4], "processed", t - 1), Ev(r[4], "delivered", t), Ev(r[4], "spamreport", t + 1000),
            Ev(r[5], "processed", t - 1), Ev(r[5], "bounce", t + 5, ",\"type\":\"bounce\",\"reason\":\"550 no such user\""),
            Ev(r[6], "dropped", t, ",\"reason\":\"Bounced Address\""),
            Ev(r[7], "processed", t - 1), Ev(r[7], "delivered", t + 120),
            Ev(r[8], "processed", t - 1), Ev(r[8], "delivered", t), Ev(r[8], "unsubscribe", t + 30),
            Ev(r[9], "processed", t - 1), Ev(r[9], "delivered", t),
        };
        // SendGrid's posts reach `syndication serve` (the HTTP functions' own handlers) on the same
        // storage account; the signature's timestamp is the server's clock, the events' are the issue's.
        await using var serve = await LocalServe.StartAsync(
            new Dictionary<string, string?> { ["Syndication:Newsletter:WebhookVerificationKey"] = settings["Syndication:Newsletter:WebhookVerificationKey"] },
            account: pipeline.Account);
        var endpoint = new Uri(serve.Host.BaseUrl, "api/newsletter/sendgrid/events");
        async Task<(int Status, string Body)> Send(IEnumerable<string> events, bool signed)
        {
            var body = Encoding.UTF8.GetBytes("[" + string.Join(",\n", events) + "]");
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            if (signed)
            {
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                var signature = Convert.ToBase64String(key.SignData([.. Encoding.ASCII.GetBytes(timestamp), .. body], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
                request.Headers.Add(SendGridEventVerifier.SignatureHeader, signature);
                request.Headers.Add(SendGridEventVerifier.TimestampHeader, timestamp);
            }

            using var response = await serve.Http.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Task<(int Status, string Body)> Post(IEnumerable<string> events) => Send(events, signed: true);

        var unsigned = await Send(second, signed: false);
        Assert.Equal(401, unsigned.Status);
        Assert.Equal(200, (await Post(first)).Status);

        // SendGrid posts the first batch again while the second arrives in two posts at once (their
        // events share recipients' partitions, so their writes race), and then the second again.
        var posts = await Task.WhenAll(Post(first), Post(second[..10]), Post(second[10..]));
        var again = await Post(second);

        Assert.Equal($"0 events handled, {first.Length} repeated, 0 skipped.", posts[0].Body);
        Assert.Equal("10 events handled, 0 repeated, 0 skipped.", posts[1].Body);
        Assert.Equal($"{second.Length - 10} events handled, 0 repeated, 0 skipped.", posts[2].Body);
        Assert.Equal($"0 events handled, {second.Length} repeated, 0 skipped.", again.Body);
        var report = (await pipeline.Get<NewsletterReports>().ReportAsync(Issue, CancellationToken.None))!;
        Assert.Equal(
            new DeliveryCounts
            {
                Processed = 9,
                Delivered = 8,
                Deferred = 1,
                Bounced = 1,
                Dropped = 1,
                SpamReports = 1,
                Unsubscribes = 1,
                HumanOpens = 1,
                MachineOpens = 2,
                HumanClicks = 1,
                ScannerClicks = 1,
            },
            report.Counts);
        Assert.Equal(10, report.Sent);
        Assert.Equal((8 / 9.0, 0.125, 0.125, 0.125), (report.Rates.Delivered!.Value, report.Rates.Open!.Value, report.Rates.Click!.Value, report.Rates.Spam!.Value));
        Assert.Equal("over-limit", report.SpamLevel);

        using var json = JsonDocument.Parse(NewsletterReports.ToJson([report], pipeline.Clock.GetUtcNow()));
        var issue = json.RootElement.GetProperty("issues")[0];
        var fields = new Dictionary<string, long>
        {
            ["sent"] = 10,
            ["processed"] = 9,
            ["delivered"] = 8,
            ["deferred"] = 1,
            ["bounced"] = 1,
            ["dropped"] = 1,
            ["spamReports"] = 1,
            ["unsubscribes"] = 1,
            ["uniqueOpens"] = 1,
            ["machineOpens"] = 2,
            ["uniqueClicks"] = 1,
            ["scannerClicks"] = 1,
        };
        Assert.All(fields, f => Assert.Equal(f.Value, issue.GetProperty(f.Key).GetInt64()));
        Assert.Equal(Issue, issue.GetProperty("key").GetString());
        Assert.Equal(0.125, issue.GetProperty("rates").GetProperty("spam").GetDouble());
        Assert.Equal(0.125, issue.GetProperty("rates").GetProperty("open").GetDouble());
        Assert.Equal("over-limit", issue.GetProperty("spamLevel").GetString());
        Assert.Equal(0.001, json.RootElement.GetProperty("gmailSpamLines").GetProperty("warning").GetDouble());
        Assert.Equal(JsonValueKind.Null, issue.GetProperty("throttledUntil").ValueKind);

        await pipeline.Get<StatusStage>().WriteAsync(CancellationToken.None);
        var page = (await pipeline.Storage.Container(StorageNames.StatusContainer).GetBlobClient(StatusPageWriter.FileName).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("<strong>global/2026-11-25</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">opened by people</th><td>1</td><td>12.5% of delivered</td>", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">machine opens (Apple Mail Privacy Protection)</th><td>2</td>", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">clicked only within seconds of delivery (scanners)</th><td>1</td>", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">delivered</th><td>8</td><td>88.89% of processed</td>", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">spam reports</th><td>1</td><td>12.5% of delivered <span class=\"outcome failed\">over Gmail's 0.3% limit</span>", page, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Newsletter emails delivered per day, the last 30 days\"", page, StringComparison.Ordinal);
        Assert.Contains("<title>2026-11-25: 8 delivered</title>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_capped_per_hour_stops_resumes_on_the_next_timers_and_reaches_everyone_exactly_once()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = sendGrid.Settings(batchSize: 10);
        settings["Syndication:Newsletter:MaxPerHour"] = "25";
        await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync(settings);
        var readers = await NewsletterStageTests.SeedAsync(pipeline, "reader", 60);
        var stage = pipeline.Get<NewsletterStage>();

        var nine = Assert.Single(await stage.SendDueAsync(CancellationToken.None), x => x.IssueKey == Issue);
        Assert.Equal((25, false), (nine.Sent, nine.Finished));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), nine.ThrottledUntil);
        Assert.Contains("hourly cap of 25", nine.ThrottleReason, StringComparison.Ordinal);
        await pipeline.Get<StatusStage>().WriteAsync(CancellationToken.None);
        var page = (await pipeline.Storage.Container(StorageNames.StatusContainer).GetBlobClient(StatusPageWriter.FileName).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("throttled until 2026-11-25 10:00 UTC</span>: the hourly cap of 25 emails is reached", page, StringComparison.Ordinal);
        var json = NewsletterReports.ToJson(await pipeline.Get<NewsletterReports>().RecentAsync(30, "global", CancellationToken.None), pipeline.Clock.GetUtcNow());
        Assert.Contains("\"throttledUntil\": \"2026-11-25T10:00:00+00:00\"", json, StringComparison.Ordinal);

        // The timer five minutes later: the cap still holds, nothing goes and nothing is built.
        pipeline.Clock.Advance(TimeSpan.FromMinutes(5));
        var requests = sendGrid.MailRequests;
        var waiting = Assert.Single(await stage.SendDueAsync(CancellationToken.None), x => x.IssueKey == Issue);
        Assert.Equal((0, requests), (waiting.Sent, sendGrid.MailRequests));
        Assert.NotNull(waiting.ThrottledUntil);

        pipeline.Clock.Advance(TimeSpan.FromMinutes(55));
        var ten = Assert.Single(await stage.SendDueAsync(CancellationToken.None), x => x.IssueKey == Issue);
        pipeline.Clock.Advance(TimeSpan.FromHours(1));
        var eleven = Assert.Single(await stage.SendDueAsync(CancellationToken.None), x => x.IssueKey == Issue);
        pipeline.Clock.Advance(TimeSpan.FromMinutes(5));
        var after = await stage.SendDueAsync(CancellationToken.None);

        Assert.Equal((25, false), (ten.Sent, ten.Finished));
        Assert.Equal((10, true, null), (eleven.Sent, eleven.Finished, eleven.ThrottledUntil));
        Assert.DoesNotContain(after, x => x.IssueKey == Issue);
        Assert.Equal(readers.Select(s => s.Id).ToHashSet(), await DeliveredOnceAsync(sendGrid, Issue));
        Assert.All(sendGrid.Personalizations, n => Assert.True(n <= 10));
        Assert.Null((await pipeline.Get<NewsletterReports>().ReportAsync(Issue, CancellationToken.None))!.ThrottledUntil);
    }

    [Fact]
    public async Task A_new_account_warms_up_and_the_issue_a_days_cap_stopped_is_finished_the_next_day_before_the_new_one()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = sendGrid.Settings(batchSize: 10);
        settings["Syndication:Newsletter:WarmupStartDate"] = ""; // a new account: the warm-up starts with its first send
        settings["Syndication:Newsletter:WarmupDailyCaps"] = "20,45";
        await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync(settings);
        var readers = await NewsletterStageTests.SeedAsync(pipeline, "reader", 60);
        var stage = pipeline.Get<NewsletterStage>();

        var dayOne = Assert.Single(await stage.SendDueAsync(CancellationToken.None), x => x.IssueKey == Issue);
        pipeline.Clock.Advance(TimeSpan.FromDays(1));
        var dayTwo = await stage.SendDueAsync(CancellationToken.None);

        Assert.Equal(20, dayOne.Sent);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), dayOne.ThrottledUntil);
        Assert.Contains("warm-up's cap of 20 emails on its day 1 (of 2)", dayOne.ThrottleReason, StringComparison.Ordinal);
        var resumed = Assert.Single(dayTwo, x => x.IssueKey == Issue);
        Assert.Equal((40, true), (resumed.Sent, resumed.Finished));
        Assert.Equal(readers.Select(s => s.Id).ToHashSet(), await DeliveredOnceAsync(sendGrid, Issue));
        var next = Assert.Single(dayTwo, x => x.IssueKey == "global/2026-11-26");
        Assert.Equal(5, next.Sent); // what day 2's cap of 45 left
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), next.ThrottledUntil);
    }

    [Fact]
    public async Task A_429_slows_every_later_batch_of_the_run_not_only_the_request_it_answered()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync(sendGrid.Settings(batchSize: 10));
        var readers = await NewsletterStageTests.SeedAsync(pipeline, "reader", 40, sectors: ["health"]);
        sendGrid.Queue(SendGridFault.TooManyRequests); // Retry-After: 1

        var report = await pipeline.Get<NewsletterStage>().SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);

        Assert.Equal((40, true), (report.Sent, report.Finished));
        Assert.Equal(TimeSpan.FromSeconds(1), report.Pause);
        Assert.Contains("429", report.PaceReason, StringComparison.Ordinal);
        var log = sendGrid.Log.OrderBy(x => x.Number).ToList();
        Assert.Equal(5, log.Count); // the 429, its retry, and three more batches
        for (var i = 2; i < log.Count; i++)
        {
            // Each later batch waited the pause after the answer before it (a lower bound, not a deadline).
            Assert.True(log[i].Arrived - log[i - 1].Answered >= TimeSpan.FromMilliseconds(950), $"request {log[i].Number} came {(log[i].Arrived - log[i - 1].Answered).TotalMilliseconds} ms after the one before");
        }

        Assert.Equal(readers.Select(s => s.Id).ToHashSet(), await DeliveredOnceAsync(sendGrid, Issue));
    }

    [Theory]
    [InlineData("PostalAddress", "", "PostalAddress is empty; CAN-SPAM")]
    [InlineData("AuthenticatedDomains", "other.example.org", "the From domain news.example.com is not listed in Syndication:Newsletter:AuthenticatedDomains")]
    public async Task A_real_send_without_what_the_law_and_the_inbox_providers_require_is_refused_before_any_mail(string setting, string value, string reason)
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = sendGrid.Settings();
        settings["Syndication:Newsletter:" + setting] = value;
        await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync(settings);
        await NewsletterStageTests.SeedAsync(pipeline, "reader", 5);

        var report = await pipeline.Get<NewsletterStage>().SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: false, CancellationToken.None);
        var dryRun = await pipeline.Get<NewsletterStage>().SendIssueAsync(Global(pipeline), NewsletterCadence.Daily, Today, dryRun: true, CancellationToken.None);

        Assert.True(report.Refused);
        Assert.Contains(report.Failures, f => f.Contains(reason, StringComparison.Ordinal));
        Assert.Equal((0, false), (report.Sent, report.Finished));
        Assert.Equal(0, sendGrid.MailRequests);
        Assert.Equal(5, dryRun.Planned); // counting who would get it is still allowed
        Assert.Null(await pipeline.Get<SendLedger>().GetIssueAsync(Issue, CancellationToken.None));
    }
}
