using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Newsletters;

public sealed partial class SubscriptionServiceTests
{
    private static Dictionary<string, IReadOnlyList<string>> Form(string email, string edition = "india", string cadence = "daily", params string[] sectors) => new()
    {
        ["email"] = [email],
        ["edition"] = [edition],
        ["cadence"] = [cadence],
        ["sectors"] = sectors,
    };

    /// <summary>The confirmation link of the email the outbox holds for an address, as the reader would click it.</summary>
    internal static async Task<string> ConfirmLinkAsync(TestPipeline pipeline, string email)
    {
        var id = pipeline.Get<SubscriberIds>().IdFor(EmailAddress.Parse(email));
        var eml = (await pipeline.Storage.Container(StorageNames.OutboxContainer).GetBlobClient($"confirm/{id}.eml").DownloadContentAsync()).Value.Content.ToString();
        var text = TextPart(eml);
        return ConfirmUrl().Match(text).Value;
    }

    internal static string TextPart(string eml)
    {
        var start = eml.IndexOf("Content-Type: text/plain", StringComparison.Ordinal);
        var body = eml.IndexOf("\r\n\r\n", start, StringComparison.Ordinal) + 4;
        var end = eml.IndexOf("--", body, StringComparison.Ordinal);
        return Encoding.UTF8.GetString(Convert.FromBase64String(eml[body..end].Replace("\r\n", "", StringComparison.Ordinal)));
    }

    /// <summary>A sign-up as the HTTP layer runs it: the answer, then the work after it.</summary>
    internal static async Task<NewsletterResponse> SignUpAsync(SubscriptionService service, Dictionary<string, IReadOnlyList<string>> form, string client, CancellationToken cancellationToken = default)
    {
        var response = await service.SubscribeAsync(form, client, cancellationToken);
        if (response.After is { } after)
        {
            await after(cancellationToken);
        }

        return response;
    }

    [GeneratedRegex(@"https?://\S+/c/[A-Za-z0-9_-]+")]
    private static partial Regex ConfirmUrl();

    private static string TokenOf(string url) => url[(url.LastIndexOf('/') + 1)..];

    [Fact]
    public async Task Sign_up_sends_one_confirmation_and_only_the_link_confirms_and_the_same_page_answers_for_a_known_address()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var service = pipeline.Get<SubscriptionService>();
        var store = pipeline.Get<SubscriberStore>();

        var first = await SignUpAsync(service, Form("Priya.Nair@Example.com", "india", "daily", "health", "education"), "198.51.100.7", CancellationToken.None);
        var link = await ConfirmLinkAsync(pipeline, "priya.nair@example.com");
        var id = pipeline.Get<SubscriberIds>().IdFor(EmailAddress.Parse("priya.nair@example.com"));

        Assert.Equal(200, first.Status);
        Assert.Contains("Check your inbox", first.Body, StringComparison.Ordinal);
        Assert.Equal(SubscriberState.Pending, (await store.GetAsync(id, CancellationToken.None))!.State);
        Assert.StartsWith("https://news.example.com/newsletter/c/", link, StringComparison.Ordinal);

        var confirmed = await service.ConfirmAsync(TokenOf(link), CancellationToken.None);
        Assert.Contains("You are subscribed", confirmed.Body, StringComparison.Ordinal);
        var subscriber = (await store.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(SubscriberState.Confirmed, subscriber.State);
        Assert.Equal(["health", "education"], subscriber.Sectors);

        // Signing up again with a confirmed address: the same page, and no email to them.
        var again = await SignUpAsync(service, Form("priya.nair@example.com", "uk"), "198.51.100.7", CancellationToken.None);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal("india", (await store.GetAsync(id, CancellationToken.None))!.Edition);

        // An unsubscribe token, or a forged or expired confirm token, confirms nothing.
        var tokens = pipeline.Get<SubscriberTokens>();
        Assert.Equal(404, (await service.ConfirmAsync(tokens.Issue(TokenPurpose.Unsubscribe, id), CancellationToken.None)).Status);
        Assert.Equal(404, (await service.ConfirmAsync(TokenOf(link)[..^2] + "AA", CancellationToken.None)).Status);
        await SignUpAsync(service, Form("late@example.com"), "198.51.100.8", CancellationToken.None);
        var lateLink = await ConfirmLinkAsync(pipeline, "late@example.com");
        pipeline.Clock.Advance(TimeSpan.FromDays(8));
        var late = await service.ConfirmAsync(TokenOf(lateLink), CancellationToken.None);
        Assert.Contains("This link does not work", late.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_address_is_shown_back_with_the_problem_and_sign_ups_are_limited_per_address_and_per_client()
    {
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?> { ["Syndication:Newsletter:SubscribeLimitPerClient"] = "5" });
        var service = pipeline.Get<SubscriptionService>();

        var bad = await SignUpAsync(service, Form("priya at example"), "203.0.113.1", CancellationToken.None);
        Assert.Equal(400, bad.Status);
        Assert.Contains(EmailAddress.Problem, bad.Body, StringComparison.Ordinal);
        Assert.Contains("value=\"priya at example\"", bad.Body, StringComparison.Ordinal);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await SignUpAsync(service, Form("typo@example.com"), $"203.0.113.{10 + i}", CancellationToken.None)).Status);
        }

        Assert.Equal(429, (await SignUpAsync(service, Form("typo@example.com"), "203.0.113.20", CancellationToken.None)).Status);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await SignUpAsync(service, Form($"reader{i}@example.com"), "203.0.113.99", CancellationToken.None)).Status);
        }

        Assert.Equal(429, (await SignUpAsync(service, Form("one-more@example.com"), "203.0.113.99", CancellationToken.None)).Status);
        pipeline.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(200, (await SignUpAsync(service, Form("one-more@example.com"), "203.0.113.99", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Unsubscribe_GET_only_asks_and_POST_or_one_click_unsubscribes_and_preferences_save()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var service = pipeline.Get<SubscriptionService>();
        var store = pipeline.Get<SubscriberStore>();
        var tokens = pipeline.Get<SubscriberTokens>();
        await SignUpAsync(service, Form("reader@example.com"), "192.0.2.1", CancellationToken.None);
        await service.ConfirmAsync(TokenOf(await ConfirmLinkAsync(pipeline, "reader@example.com")), CancellationToken.None);
        var id = pipeline.Get<SubscriberIds>().IdFor(EmailAddress.Parse("reader@example.com"));

        var preferences = await service.SavePreferencesAsync(tokens.Issue(TokenPurpose.Preferences, id), Form("", "europe", "weekly", "energy"), CancellationToken.None);
        Assert.Contains("Your preferences are saved.", preferences.Body, StringComparison.Ordinal);
        var moved = (await store.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(("europe", NewsletterCadence.Weekly), (moved.Edition, moved.Cadence));
        Assert.Single(await ToListAsync(store.ListMailableAsync("europe", NewsletterCadence.Weekly, CancellationToken.None)));
        Assert.Empty(await ToListAsync(store.ListMailableAsync("india", NewsletterCadence.Daily, CancellationToken.None)));

        var token = tokens.Issue(TokenPurpose.Unsubscribe, id);
        var page = service.UnsubscribePage(token);
        Assert.Contains("<form method=\"post\" action=\"https://news.example.com/newsletter/u/" + token + "\">", page.Body, StringComparison.Ordinal);
        Assert.Equal(SubscriberState.Confirmed, (await store.GetAsync(id, CancellationToken.None))!.State);

        var done = await service.UnsubscribeAsync(token, CancellationToken.None);
        Assert.Contains("You are unsubscribed", done.Body, StringComparison.Ordinal);
        Assert.Equal(SubscriberState.Unsubscribed, (await store.GetAsync(id, CancellationToken.None))!.State);
        Assert.Contains("You are unsubscribed", (await service.UnsubscribeAsync(token, CancellationToken.None)).Body, StringComparison.Ordinal);
        Assert.Equal(404, (await service.UnsubscribeAsync("forged" + token[6..], CancellationToken.None)).Status);
    }

    [Fact]
    public async Task The_webhook_refuses_unsigned_events_handles_repeats_once_and_a_bounce_outlives_deletion_and_re_signup()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?>
        {
            ["Syndication:Newsletter:WebhookVerificationKey"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
        });
        var service = pipeline.Get<SubscriptionService>();
        var store = pipeline.Get<SubscriberStore>();
        await SignUpAsync(service, Form("bouncer@example.com"), "192.0.2.1", CancellationToken.None);
        await service.ConfirmAsync(TokenOf(await ConfirmLinkAsync(pipeline, "bouncer@example.com")), CancellationToken.None);
        var id = pipeline.Get<SubscriberIds>().IdFor(EmailAddress.Parse("bouncer@example.com"));
        var body = Encoding.UTF8.GetBytes($$"""
            [{"email":"bouncer@example.com","timestamp":{{pipeline.Clock.GetUtcNow().ToUnixTimeSeconds()}},"event":"bounce","type":"bounce","sg_event_id":"ev-1","reason":"550 no such user","issue":"india/2026-11-25","subscriber":"{{id}}"},
             {"email":"someone@example.com","timestamp":{{pipeline.Clock.GetUtcNow().ToUnixTimeSeconds()}},"event":"delivered","sg_event_id":"ev-2"}]
            """);
        var timestamp = pipeline.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(key.SignData([.. Encoding.ASCII.GetBytes(timestamp), .. body], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        Assert.Equal(401, (await service.WebhookAsync(null, null, body, CancellationToken.None)).Status);
        var tampered = (byte[])body.Clone();
        tampered[^5] = (byte)'x';
        Assert.Equal(401, (await service.WebhookAsync(signature, timestamp, tampered, CancellationToken.None)).Status);
        Assert.Equal(SubscriberState.Confirmed, (await store.GetAsync(id, CancellationToken.None))!.State);
        Assert.False((await store.GetAsync(id, CancellationToken.None))!.Suppressed);

        var accepted = await service.WebhookAsync(signature, timestamp, body, CancellationToken.None);
        var repeated = await service.WebhookAsync(signature, timestamp, body, CancellationToken.None);

        Assert.Equal("2 events handled, 0 repeated, 0 skipped.", accepted.Body);
        Assert.Equal("0 events handled, 2 repeated, 0 skipped.", repeated.Body);
        Assert.True((await store.GetAsync(id, CancellationToken.None))!.Suppressed);
        Assert.Empty(await ToListAsync(store.ListMailableAsync("india", NewsletterCadence.Daily, CancellationToken.None)));

        // Deleted, then signed up and confirmed again: still suppressed, and no confirmation email went out.
        await store.DeleteAsync((await store.GetAsync(id, CancellationToken.None))!, pipeline.Clock.GetUtcNow(), CancellationToken.None);
        await pipeline.Storage.Container(StorageNames.OutboxContainer).DeleteBlobAsync($"confirm/{id}.eml");
        var again = await SignUpAsync(service, Form("bouncer@example.com"), "192.0.2.1", CancellationToken.None);
        Assert.Contains("Check your inbox", again.Body, StringComparison.Ordinal);
        Assert.False(await pipeline.Storage.Container(StorageNames.OutboxContainer).GetBlobClient($"confirm/{id}.eml").ExistsAsync());
        Assert.True(await pipeline.Get<SuppressionList>().IsSuppressedAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task A_sign_up_does_the_same_storage_work_before_its_answer_for_a_new_a_pending_a_confirmed_and_a_suppressed_address()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var service = pipeline.Get<SubscriptionService>();
        var ids = pipeline.Get<SubscriberIds>();
        await SignUpAsync(service, Form("pending@example.com"), "192.0.2.1");
        await SignUpAsync(service, Form("confirmed@example.com"), "192.0.2.1");
        await service.ConfirmAsync(TokenOf(await ConfirmLinkAsync(pipeline, "confirmed@example.com")), CancellationToken.None);
        await pipeline.Get<SuppressionList>().AddAsync(ids.IdFor(EmailAddress.Parse("suppressed@example.com")), SuppressionReason.HardBounce, pipeline.Clock.GetUtcNow(), CancellationToken.None);

        var work = new Dictionary<string, string>();
        var answers = new HashSet<string>();
        foreach (var address in new[] { "new@example.com", "pending@example.com", "confirmed@example.com", "suppressed@example.com" })
        {
            var (reads, writes) = pipeline.Counter.Snapshot();
            var answer = await service.SubscribeAsync(Form(address), "192.0.2.2", CancellationToken.None);
            work[address] = $"{pipeline.Counter.Reads - reads} reads, {pipeline.Counter.Writes - writes} writes";
            answers.Add($"{answer.Status} {answer.Body}");
            Assert.NotNull(answer.After); // what differs between them happens after the answer
        }

        Assert.Single(work.Values.Distinct());
        Assert.Single(answers);
    }

    [Fact]
    public async Task Rate_limit_rows_expire_once_their_hour_is_over()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var service = pipeline.Get<SubscriptionService>();
        var table = pipeline.Storage.Table(StorageNames.RateLimitsTable);
        for (var i = 0; i < 3; i++)
        {
            await SignUpAsync(service, Form($"hour-one-{i}@example.com"), $"192.0.2.{i}");
        }

        Assert.Equal(6, table.Query<Azure.Data.Tables.TableEntity>().Count()); // an address and a client each

        pipeline.Clock.Advance(TimeSpan.FromHours(1));
        await SignUpAsync(service, Form("hour-two@example.com"), "192.0.2.200");

        var left = table.Query<Azure.Data.Tables.TableEntity>().ToList();
        Assert.Equal(2, left.Count);
        Assert.All(left, row => Assert.True(row.GetDateTimeOffset("Expires") > pipeline.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task The_preferences_page_unsubscribes_through_its_own_token()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var service = pipeline.Get<SubscriptionService>();
        await SignUpAsync(service, Form("leaver@example.com"), "192.0.2.1");
        await service.ConfirmAsync(TokenOf(await ConfirmLinkAsync(pipeline, "leaver@example.com")), CancellationToken.None);
        var id = pipeline.Get<SubscriberIds>().IdFor(EmailAddress.Parse("leaver@example.com"));

        var left = await service.SavePreferencesAsync(pipeline.Get<SubscriberTokens>().Issue(TokenPurpose.Preferences, id), new Dictionary<string, IReadOnlyList<string>> { ["action"] = ["unsubscribe"] }, CancellationToken.None);

        Assert.Contains("You are unsubscribed", left.Body, StringComparison.Ordinal);
        Assert.Equal(SubscriberState.Unsubscribed, (await pipeline.Get<SubscriberStore>().GetAsync(id, CancellationToken.None))!.State);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
