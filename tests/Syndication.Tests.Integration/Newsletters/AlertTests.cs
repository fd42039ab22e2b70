using System.Text;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
using Syndication.Tests.Faults;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Newsletters;

/// <summary>Breaking-news alerts end to end: a drop, the feed build that publishes it, the alert stage, the loopback SendGrid.</summary>
public sealed class AlertTests
{
    /// <summary>A Markdown story for the global edition (zone Etc/UTC), created at <paramref name="created"/>.</summary>
    internal static byte[] Story(string slug, string headline, int? urgency, DateTimeOffset created, string pubstatus = "usable", string editions = "global") =>
        Encoding.UTF8.GetBytes($"""
            ---
            uri: "urn:test:alerts:{slug}"
            headline: "{headline}"
            summary: "What happened, in one sentence."
            editions: [{editions}]
            sectors: [health]
            created: {created.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}
            pubstatus: {pubstatus}
            {(urgency is { } u ? $"urgency: {u}" : "")}
            ---

            The story's body, long enough to be a story.
            """);

    /// <summary>Confirmed readers of an edition, with alerts on or off.</summary>
    internal static async Task<List<Subscriber>> SeedAsync(TestPipeline pipeline, string prefix, int count, bool alerts, string edition = "global", SubscriberState state = SubscriberState.Confirmed)
    {
        var ids = pipeline.Get<SubscriberIds>();
        var list = Enumerable.Range(0, count).Select(i => new Subscriber
        {
            Id = ids.IdFor(EmailAddress.Parse($"{prefix}{i}@example.com")),
            Email = $"{prefix}{i}@example.com",
            Edition = edition,
            Sectors = i % 2 == 0 ? ["health"] : ["energy"],
            State = state,
            Alerts = alerts,
            Created = pipeline.Clock.GetUtcNow(),
            ConfirmedAt = state == SubscriberState.Confirmed ? pipeline.Clock.GetUtcNow() : null,
        }).ToList();
        await pipeline.Get<SubscriberStore>().ImportAsync(list, CancellationToken.None);
        return list;
    }

    private static async Task<string> PublishAsync(TestPipeline pipeline, string file, byte[] content)
    {
        var outcome = await pipeline.DropAndIngestAsync(file, content);
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        return outcome.ArticleId!;
    }

    [Fact]
    public async Task A_breaking_story_reaches_exactly_the_opted_in_readers_once_through_SendGrid_faults_and_its_update_sends_nothing()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await TestPipeline.StartAsync(sendGrid.Settings(batchSize: 40));
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        var opted = await SeedAsync(pipeline, "alert-reader", 150, alerts: true);
        await SeedAsync(pipeline, "digest-only", 40, alerts: false);
        await SeedAsync(pipeline, "pending", 5, alerts: true, state: SubscriberState.Pending);
        await SeedAsync(pipeline, "gone", 5, alerts: true, state: SubscriberState.Unsubscribed);
        await SeedAsync(pipeline, "india", 20, alerts: true, edition: "india");

        var now = pipeline.Clock.GetUtcNow();
        var quake = await PublishAsync(pipeline, "quake.md", Story("quake", "Strong earthquake strikes off the coast", urgency: 1, now.AddMinutes(-1)));
        await PublishAsync(pipeline, "budget.md", Story("budget", "Council adopts next year's budget", urgency: 5, now.AddMinutes(-1)));

        sendGrid.Queue(SendGridFault.TooManyRequests, SendGridFault.ServerError, SendGridFault.AcceptThenTimeout, SendGridFault.TooLarge);
        var reports = await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None);

        // Only the breaking story, only to the global edition's confirmed readers who asked for alerts, each once.
        var report = Assert.Single(reports);
        Assert.Equal($"global/alert/{quake}", report.IssueKey);
        Assert.Equal(AlertOutcome.Sent, report.Outcome);
        Assert.True(report.Send!.Finished);
        Assert.Equal(40, report.Send.Uncertain); // the timed-out batch went out and was not sent again
        Mail.AssertExactlyOnce(sendGrid.Delivered, opted);

        // The email: multipart, one story, one-click unsubscribe that stops alerts only.
        var mail = sendGrid.Delivered.First();
        Assert.StartsWith("Breaking: Strong earthquake strikes off the coast", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Strong earthquake strikes off the coast", mail.Html, StringComparison.Ordinal);
        Assert.Contains("BREAKING", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Stop alerts:", mail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("budget", mail.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(NewsletterLinks.ListUnsubscribePost, mail.Headers["List-Unsubscribe-Post"]);
        Assert.StartsWith("<https://news.example.com/newsletter/u/", mail.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.Equal($"global/alert/{quake}", mail.CustomArgs["issue"]);
        Assert.True(Encoding.UTF8.GetByteCount(mail.Html) <= DigestRenderer.HtmlByteBudget);

        // The timer again, and an update of the story: nothing more.
        var delivered = sendGrid.Delivered.Count;
        Assert.Empty(await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None));
        pipeline.Clock.Advance(TimeSpan.FromMinutes(10));
        await PublishAsync(pipeline, "quake.md", Story("quake", "Strong earthquake strikes off the coast, tsunami warning issued", urgency: 1, now.AddMinutes(-1)));
        Assert.Empty(await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None));
        Assert.Equal(delivered, sendGrid.Delivered.Count);

        // The one-click POST of an alert's link stops alerts; the reader keeps the digest.
        var reader = opted[0];
        var header = sendGrid.Delivered.First(m => m.Subscriber == reader.Id).Headers["List-Unsubscribe"];
        var token = header[(header.IndexOf("/u/", StringComparison.Ordinal) + 3)..header.IndexOf('>', StringComparison.Ordinal)];
        var answer = await pipeline.Get<SubscriptionService>().UnsubscribeAsync(token, CancellationToken.None);
        Assert.Equal(200, answer.Status);
        var after = await pipeline.Get<SubscriberStore>().GetAsync(reader.Id, CancellationToken.None);
        Assert.Equal(SubscriberState.Confirmed, after!.State);
        Assert.False(after.Alerts);

        // The next breaking story goes to everyone else who opted in, not to them.
        pipeline.Clock.Advance(TimeSpan.FromMinutes(5));
        var fire = await PublishAsync(pipeline, "fire.md", Story("fire", "Wildfire forces evacuations", urgency: 2, pipeline.Clock.GetUtcNow().AddMinutes(-1)));
        await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None);
        Mail.AssertExactlyOnce(sendGrid.Delivered.Where(m => m.Issue == $"global/alert/{fire}"), opted.Skip(1));
    }

    [Fact]
    public async Task Quiet_hours_hold_an_alert_until_morning_a_killed_story_never_alerts_and_the_days_limit_drops_the_rest()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        var settings = sendGrid.Settings();
        settings["Syndication:Newsletter:Alerts:PerDay"] = "1";
        await using var pipeline = await TestPipeline.StartAsync(settings);
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        var opted = await SeedAsync(pipeline, "alert-reader", 30, alerts: true);

        // 23:00 in the global edition's zone (UTC): quiet hours (22:00-07:00 by default).
        pipeline.Clock.Advance(TimeSpan.FromHours(14));
        var night = pipeline.Clock.GetUtcNow();
        var quake = await PublishAsync(pipeline, "quake.md", Story("quake", "Strong earthquake strikes off the coast", urgency: 1, night.AddMinutes(-2)));
        var hoax = await PublishAsync(pipeline, "hoax.md", Story("hoax", "Minister resigns", urgency: 1, night.AddMinutes(-1)));
        var flood = await PublishAsync(pipeline, "flood.md", Story("flood", "River bursts its banks", urgency: 2, night.AddMinutes(-1)));
        var held = await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None);
        Assert.Equal(3, held.Count);
        Assert.All(held, r => Assert.Equal(AlertOutcome.Held, r.Outcome));
        Assert.Empty(sendGrid.Delivered);

        // The desk kills one story in the night.
        pipeline.Clock.Advance(TimeSpan.FromMinutes(30));
        await pipeline.DropAndIngestAsync("hoax.md", Story("hoax", "Minister resigns", urgency: 1, night.AddMinutes(-1), pubstatus: "canceled"));

        // 07:00: the first held story goes to each reader once; the killed one never; the day's limit of 1 drops the third.
        pipeline.Clock.Advance(TimeSpan.FromHours(7.5));
        var morning = await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None);
        Assert.Equal(AlertOutcome.Sent, morning.Single(r => r.ArticleId == quake).Outcome);
        Assert.Equal(AlertOutcome.Withdrawn, morning.Single(r => r.ArticleId == hoax).Outcome);
        Assert.Equal(AlertOutcome.Dropped, morning.Single(r => r.ArticleId == flood).Outcome);
        Mail.AssertExactlyOnce(sendGrid.Delivered, opted);
        Assert.All(sendGrid.Delivered, m => Assert.Equal($"global/alert/{quake}", m.Issue));

        // Nothing is left due, and an editor cannot send the killed story by hand either.
        Assert.Empty(await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None));
        var byHand = Assert.Single(await pipeline.Get<AlertStage>().SendAsync(hoax, dryRun: false, CancellationToken.None));
        Assert.Equal(AlertOutcome.Withdrawn, byHand.Outcome);
        Assert.Equal(30, sendGrid.Delivered.Count);
    }

    [Fact]
    public async Task An_embargoed_breaking_story_alerts_when_its_embargo_lifts_not_before()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var pipeline = await TestPipeline.StartAsync(sendGrid.Settings());
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        var opted = await SeedAsync(pipeline, "alert-reader", 12, alerts: true);

        var lift = pipeline.Clock.GetUtcNow().AddHours(1);
        var text = Encoding.UTF8.GetString(Story("results", "Election results announced", urgency: 1, pipeline.Clock.GetUtcNow()))
            .Replace("pubstatus: usable", $"pubstatus: usable\nembargoed: {lift.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}", StringComparison.Ordinal);
        var id = await PublishAsync(pipeline, "results.md", Encoding.UTF8.GetBytes(text));
        Assert.Empty(await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None));
        Assert.Equal(AlertOutcome.Withdrawn, Assert.Single(await pipeline.Get<AlertStage>().SendAsync(id, dryRun: true, CancellationToken.None)).Outcome);

        pipeline.Clock.Advance(TimeSpan.FromMinutes(61));
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        var reports = await pipeline.Get<AlertStage>().SendDueAsync(CancellationToken.None);

        Assert.Equal(AlertOutcome.Sent, Assert.Single(reports).Outcome);
        Mail.AssertExactlyOnce(sendGrid.Delivered, opted);
    }
}
