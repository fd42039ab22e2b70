// Long on purpose: every subscriber-facing page (sign-up, confirm, preferences, unsubscribe, the
// webhook, the archive) answers through this one service, so token, rate and privacy rules apply
// the same way everywhere.
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Newsletters;
using Syndication.Adapters.Storage;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;

namespace Syndication.Pipeline;

/// <summary>
/// The subscriber side of the newsletter, behind thin HTTP functions: sign-up with double opt-in,
/// confirmation and unsubscribe (a page with a button on GET, because mail scanners follow every
/// link; the POST acts, and RFC 8058 one-click POST unsubscribes at once), preferences, SendGrid's
/// Event Webhook and the issue archive. What a visitor sees, and when, never depends on whether an
/// address is known. Tokens are in the URL path and verify without a lookup; a page hands out no
/// token but its own; every refusal shows the same page.
/// </summary>
public sealed class SubscriptionService(
    StorageAccount account,
    SubscriberStore subscribers,
    SuppressionList suppressions,
    RateLimiter rateLimiter,
    WebhookEventLog events,
    SendLedger ledger,
    NewsletterReports reports,
    NewsletterArchive archive,
    IMailTransport transport,
    NewsletterPages pages,
    NewsletterLinks links,
    SubscriberIds ids,
    SubscriberTokens tokens,
    PublicationCatalog catalog,
    IOptions<NewsletterOptions> options,
    IOptions<NewsletterKeys> keys,
    TimeProvider time,
    ILogger<SubscriptionService> logger)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromHours(1);
    private readonly Lazy<SendGridEventVerifier?> _verifier = new(() =>
        keys.Value.WebhookVerificationKey is { Length: > 0 } key ? new SendGridEventVerifier(key, time) : null);

    public NewsletterResponse SubscribeForm() => new(200, pages.Subscribe(links.Subscribe()));

    /// <summary>
    /// A sign-up. The answer is the same page, after the same work, for every address: the form is
    /// checked and the two rate limits counted, nothing else. Whether the address is new, pending,
    /// confirmed or suppressed is looked up only in <see cref="NewsletterResponse.After"/>, which the
    /// HTTP layer runs once the answer has reached the client, so neither the page nor its timing
    /// says who subscribes.
    /// </summary>
    /// <param name="client">The client's address as the platform saw it, for the per-client limit.</param>
    public async Task<NewsletterResponse> SubscribeAsync(IReadOnlyDictionary<string, IReadOnlyList<string>> fields, string? client, CancellationToken cancellationToken)
    {
        var form = SubscriptionForm.Read(fields, catalog, requireEmail: true);
        var typed = fields.TryGetValue("email", out var values) && values.Count > 0 ? values[0] : "";
        if (!form.IsValid)
        {
            return new(400, pages.Subscribe(links.Subscribe(), typed, form.Choices, form.Errors));
        }

        await account.EnsureLayoutAsync(cancellationToken);
        var now = time.GetUtcNow();
        var settings = options.Value;
        if (!await rateLimiter.TryAcquireAsync("client-" + Hash(client ?? "unknown"), settings.SubscribeLimitPerClient, RateWindow, now, cancellationToken))
        {
            return TooMany();
        }

        var email = form.Email!;
        var id = ids.IdFor(email);
        if (!await rateLimiter.TryAcquireAsync("address-" + id, settings.SubscribeLimitPerAddress, RateWindow, now, cancellationToken))
        {
            return TooMany();
        }

        return new(200, pages.CheckInbox()) { After = ct => CompleteSignUpAsync(email, id, form.Choices, now, ct) };
    }

    /// <summary>What a sign-up does once it has been answered: the page said the same whatever happens here.</summary>
    public async Task CompleteSignUpAsync(EmailAddress email, string id, SubscriptionChoices choices, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await subscribers.GetAsync(id, cancellationToken);
        if (await suppressions.IsSuppressedAsync(id, cancellationToken))
        {
            logger.LogInformation("Sign-up of suppressed subscriber {SubscriberId}: no confirmation sent", id);
        }
        else if (existing is { State: SubscriberState.Confirmed })
        {
            // Already subscribed: nothing changes by a form anyone can fill in; their emails carry a preferences link.
            logger.LogInformation("Sign-up of confirmed subscriber {SubscriberId}: nothing to do", id);
        }
        else
        {
            var subscriber = new Subscriber
            {
                Id = id,
                Email = email.Value,
                Edition = choices.Edition,
                Sectors = choices.Sectors,
                Cadence = choices.Cadence,
                Alerts = choices.Alerts,
                State = SubscriberState.Pending,
                Created = existing?.Created ?? now,
            };
            await subscribers.SaveAsync(subscriber, existing?.Edition, now, cancellationToken);
            var result = await transport.SendAsync(ConfirmationEmail(subscriber), cancellationToken);
            if (result.State != BatchState.Sent)
            {
                logger.LogWarning("Confirmation email to {SubscriberId}: {State} {Reason}", id, result.State, result.Reason);
            }
        }

        // Rows of past windows go, once per window and process: the table holds about an hour of sign-ups.
        var purged = await rateLimiter.PurgeExpiredAsync(now, cancellationToken);
        if (purged > 0)
        {
            logger.LogInformation("Rate limits: {Rows} expired rows deleted", purged);
        }
    }

    /// <summary>GET of a confirmation link: a page with a button. Mail scanners follow every link; only a person presses it.</summary>
    public NewsletterResponse ConfirmPage(string token)
    {
        var verified = tokens.Verify(token, TokenPurpose.Confirm);
        return verified.IsValid ? new(200, pages.ConfirmButton(links.Confirm(token))) : Invalid(verified.Status);
    }

    /// <summary>POST of a confirmation link (the page's button): confirms a pending subscription.</summary>
    public async Task<NewsletterResponse> ConfirmAsync(string token, CancellationToken cancellationToken)
    {
        var verified = tokens.Verify(token, TokenPurpose.Confirm);
        if (!verified.IsValid)
        {
            return Invalid(verified.Status);
        }

        var subscriber = await subscribers.GetAsync(verified.Token!.SubscriberId, cancellationToken);
        if (subscriber is null)
        {
            return Invalid(TokenStatus.Valid);
        }

        if (subscriber.State == SubscriberState.Pending)
        {
            var now = time.GetUtcNow();
            var suppressed = await suppressions.IsSuppressedAsync(subscriber.Id, cancellationToken);
            await subscribers.SaveAsync(subscriber with { State = SubscriberState.Confirmed, ConfirmedAt = now, Suppressed = suppressed }, subscriber.Edition, now, cancellationToken);
        }

        // A second press (or an unsubscribed reader's old link) changes nothing and says the same.
        // No preferences link: a confirmation token grants confirming only, not a token that never expires.
        return new(200, pages.Confirmed());
    }

    public async Task<NewsletterResponse> PreferencesAsync(string token, CancellationToken cancellationToken)
    {
        var (subscriber, response) = await SubscriberFor(token, TokenPurpose.Preferences, cancellationToken);
        if (subscriber is null)
        {
            return response!;
        }

        return new(200, pages.Preferences(links.Preferences(token), Choices(subscriber)));
    }

    public async Task<NewsletterResponse> SavePreferencesAsync(string token, IReadOnlyDictionary<string, IReadOnlyList<string>> fields, CancellationToken cancellationToken)
    {
        var (subscriber, response) = await SubscriberFor(token, TokenPurpose.Preferences, cancellationToken);
        if (subscriber is null)
        {
            return response!;
        }

        if (fields.TryGetValue("action", out var action) && action.Contains("unsubscribe", StringComparer.Ordinal))
        {
            // The page's own unsubscribe button: the preferences token manages the subscription, leaving included.
            return await UnsubscribeAsync(subscriber, cancellationToken);
        }

        var form = SubscriptionForm.Read(fields, catalog, requireEmail: false);
        if (!form.IsValid)
        {
            return new(400, pages.Preferences(links.Preferences(token), form.Choices, errors: form.Errors));
        }

        var updated = subscriber with { Edition = form.Choices.Edition, Sectors = form.Choices.Sectors, Cadence = form.Choices.Cadence, Alerts = form.Choices.Alerts };
        await subscribers.SaveAsync(updated, subscriber.Edition, time.GetUtcNow(), cancellationToken);
        return new(200, pages.Preferences(links.Preferences(token), Choices(updated), saved: true));
    }

    /// <summary>GET of an unsubscribe link: a page with a button, because link scanners follow links.</summary>
    public NewsletterResponse UnsubscribePage(string token)
    {
        var verified = VerifyUnsubscribe(token);
        if (!verified.IsValid)
        {
            return Invalid(verified.Status);
        }

        return verified.Token!.Purpose == TokenPurpose.UnsubscribeAlerts
            ? new(200, pages.UnsubscribeAlertsConfirm(links.Unsubscribe(token)))
            : new(200, pages.UnsubscribeConfirm(links.Unsubscribe(token)));
    }

    /// <summary>An unsubscribe link's token: a digest's (leave every newsletter) or an alert's (stop alerts only).</summary>
    private TokenVerification VerifyUnsubscribe(string token)
    {
        var verified = tokens.Verify(token, TokenPurpose.Unsubscribe);
        return verified.Status == TokenStatus.WrongPurpose ? tokens.Verify(token, TokenPurpose.UnsubscribeAlerts) : verified;
    }

    /// <summary>POST of an unsubscribe link: the page's button, or a mail program's RFC 8058 one-click. Unsubscribes at once.</summary>
    public async Task<NewsletterResponse> UnsubscribeAsync(string token, CancellationToken cancellationToken)
    {
        var verified = VerifyUnsubscribe(token);
        if (!verified.IsValid)
        {
            return Invalid(verified.Status);
        }

        var subscriber = await subscribers.GetAsync(verified.Token!.SubscriberId, cancellationToken);
        if (verified.Token.Purpose == TokenPurpose.UnsubscribeAlerts)
        {
            // An alert's link (or its one-click header) stops alerts only: the digest the reader chose stays.
            if (subscriber is { Alerts: true })
            {
                var now = time.GetUtcNow();
                await subscribers.SaveAsync(subscriber with { Alerts = false }, subscriber.Edition, now, cancellationToken);
                logger.LogInformation("Alerts stopped for {SubscriberId}", subscriber.Id);
            }

            return new(200, pages.AlertsStopped(links.Subscribe()));
        }

        return await UnsubscribeAsync(subscriber, cancellationToken);
    }

    private async Task<NewsletterResponse> UnsubscribeAsync(Subscriber? subscriber, CancellationToken cancellationToken)
    {
        if (subscriber is { State: not SubscriberState.Unsubscribed })
        {
            var now = time.GetUtcNow();
            await subscribers.SaveAsync(subscriber with { State = SubscriberState.Unsubscribed, UnsubscribedAt = now }, subscriber.Edition, now, cancellationToken);
            logger.LogInformation("Unsubscribed {SubscriberId}", subscriber.Id);
        }

        // Unknown (deleted) or already unsubscribed: the reader's wish holds all the same.
        return new(200, pages.Unsubscribed(links.Subscribe()));
    }

    /// <summary>
    /// What the webhook's headers alone refuse (not configured, no signature, a stale or malformed
    /// timestamp), so the caller refuses before it reads the body; null when the body is worth reading.
    /// </summary>
    public NewsletterResponse? RefuseWebhookHeaders(string? signature, string? timestamp)
    {
        if (_verifier.Value is not { } check)
        {
            logger.LogWarning("SendGrid webhook called, but Syndication:Newsletter:WebhookVerificationKey is not set: refused");
            return new(401, "The webhook is not configured.", "text/plain; charset=utf-8");
        }

        var verdict = check.CheckHeaders(signature, timestamp);
        if (verdict == WebhookVerification.Valid)
        {
            return null;
        }

        logger.LogWarning("SendGrid webhook refused before its body was read: {Verification}", verdict);
        return new(401, "Signature refused.", "text/plain; charset=utf-8");
    }

    /// <summary>
    /// SendGrid's Event Webhook: the signature is checked over the raw body (anything unsigned is
    /// refused), each event is handled once by <c>sg_event_id</c>, hard bounces, spam reports,
    /// unsubscribes and drops of bad addresses suppress the address, and any event of an issue's
    /// recipient reconciles an uncertain batch.
    /// </summary>
    public async Task<NewsletterResponse> WebhookAsync(string? signature, string? timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var check = _verifier.Value;
        if (check is null)
        {
            logger.LogWarning("SendGrid webhook called, but Syndication:Newsletter:WebhookVerificationKey is not set: refused");
            return new(401, "The webhook is not configured.", "text/plain; charset=utf-8");
        }

        var verification = check.Verify(signature, timestamp, body.Span);
        if (verification != WebhookVerification.Valid)
        {
            logger.LogWarning("SendGrid webhook refused: {Verification}", verification);
            return new(401, "Signature refused.", "text/plain; charset=utf-8");
        }

        SendGridEventBatch batch;
        try
        {
            batch = SendGridEventParser.Parse(body.Span);
        }
        catch (FormatException ex)
        {
            return new(400, ex.Message, "text/plain; charset=utf-8");
        }

        await account.EnsureLayoutAsync(cancellationToken);
        var now = time.GetUtcNow();
        var handled = 0;
        foreach (var e in batch.Events)
        {
            if (e.EventId is { Length: > 0 } eventId && !await events.TryRecordAsync(eventId, e.Event, now, cancellationToken))
            {
                continue; // SendGrid posted this one before
            }

            handled++;
            var subscriberId = EmailAddress.TryParse(e.Email, out var address) ? ids.IdFor(address)
                : e.CustomArgs.TryGetValue("subscriber", out var fromArgs) ? fromArgs : null;
            if (subscriberId is null)
            {
                continue;
            }

            if (e.Suppression is { } reason && await suppressions.AddAsync(subscriberId, reason, e.Timestamp, cancellationToken))
            {
                await subscribers.MarkSuppressedAsync(subscriberId, now, cancellationToken);
                logger.LogInformation("Suppressed {SubscriberId}: {Reason}", subscriberId, reason);
            }

            if (e.CustomArgs.TryGetValue("issue", out var issue) && e.CustomArgs.TryGetValue("subscriber", out var recipient) && IsIssueKey(issue))
            {
                // The recipient's row notes the event (an uncertain batch did go) and counts it for the delivery report.
                var batchNumber = SendLedger.BatchNumber(e.CustomArgs.GetValueOrDefault("batch"));
                var update = await ledger.ApplyEventAsync(issue, batchNumber, recipient, e, reports.ScannerWindow, cancellationToken);
                if (update == DeliveryUpdate.Counted && RecipientDelivery.FlagOf(e) == DeliveryMarks.SpamReport)
                {
                    await reports.CheckSpamRateAsync(issue, cancellationToken);
                }
            }
        }

        return new(200, $"{handled} events handled, {batch.Events.Count - handled} repeated, {batch.Skipped} skipped.", "text/plain; charset=utf-8");
    }

    /// <summary>An archived issue ("view in browser"), by its key (<c>india/2026-11-25</c>).</summary>
    public async Task<NewsletterResponse> ArchiveAsync(string issueKey, CancellationToken cancellationToken)
    {
        if (!IsIssueKey(issueKey))
        {
            return new(404, pages.LinkInvalid(links.Subscribe()));
        }

        return await archive.ReadAsync(issueKey, cancellationToken) is { } page
            ? new(200, page) { Headers = new Dictionary<string, string> { ["Cache-Control"] = "public, max-age=3600" } }
            : new(404, pages.LinkInvalid(links.Subscribe()));
    }

    /// <summary>The double opt-in email: one link that confirms, no unsubscribe headers (nothing to leave yet).</summary>
    private MailBatch ConfirmationEmail(Subscriber subscriber)
    {
        var settings = options.Value;
        var site = catalog.Site.Name;
        var edition = catalog.FindEdition(subscriber.Edition)?.Name ?? subscriber.Edition;
        var link = links.Confirm(tokens.Issue(TokenPurpose.Confirm, subscriber.Id)).AbsoluteUri;
        var encoder = HtmlEncoder.Default;
        var lines = new[]
        {
            $"Someone, we hope you, asked for the {site} {edition} newsletter at this address.",
            $"The link works for {settings.ConfirmTokenDays} days. If it was not you, ignore this email: nothing more will be sent.",
        };
        var html = $"""
            <!DOCTYPE html>
            <html lang="{encoder.Encode(catalog.Site.Language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{encoder.Encode(site)}</title></head>
            <body style="font:16px/1.5 Arial,Helvetica,sans-serif;color:#111827;max-width:600px;margin:0 auto;padding:16px">
            <p>{encoder.Encode(lines[0])}</p>
            <p><a href="{encoder.Encode(link)}" style="display:inline-block;padding:12px 20px;background:#b91c1c;color:#ffffff;text-decoration:none;border-radius:4px">Confirm your subscription</a></p>
            <p>{encoder.Encode(lines[1])}</p>
            </body></html>
            """;
        var text = $"{lines[0]}\n\nConfirm your subscription:\n{link}\n\n{lines[1]}\n";
        return new MailBatch
        {
            BatchId = "confirm-" + subscriber.Id,
            Folder = "confirm",
            FromAddress = settings.FromAddress,
            FromName = MailText.HeaderValue(settings.PublisherName is { Length: > 0 } publisher ? publisher : site),
            Subject = MailText.HeaderValue($"Confirm your {site} newsletter subscription"),
            Html = html,
            Text = text,
            Recipients =
            [
                new MailRecipient
                {
                    Address = subscriber.Email,
                    SubscriberId = subscriber.Id,
                    CustomArgs = new Dictionary<string, string> { ["kind"] = "confirm", ["subscriber"] = subscriber.Id },
                },
            ],
        };
    }

    private async Task<(Subscriber? Subscriber, NewsletterResponse? Response)> SubscriberFor(string token, TokenPurpose purpose, CancellationToken cancellationToken)
    {
        var verified = tokens.Verify(token, purpose);
        if (!verified.IsValid)
        {
            return (null, Invalid(verified.Status));
        }

        var subscriber = await subscribers.GetAsync(verified.Token!.SubscriberId, cancellationToken);
        return subscriber is { State: not SubscriberState.Unsubscribed } ? (subscriber, null) : (null, Invalid(TokenStatus.Valid));
    }

    private static SubscriptionChoices Choices(Subscriber subscriber) => new(subscriber.Edition, subscriber.Sectors, subscriber.Cadence, subscriber.Alerts);

    /// <summary>Every bad link gets the same page; the reason goes only to the log.</summary>
    private NewsletterResponse Invalid(TokenStatus status)
    {
        logger.LogInformation("Newsletter link refused: {Status}", status);
        return new(404, pages.LinkInvalid(links.Subscribe()));
    }

    private NewsletterResponse TooMany() =>
        new(429, pages.Subscribe(links.Subscribe(), errors: [new FormError("email", "Too many sign-ups from here in the last hour. Please try again later.")]))
        {
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Retry-After"] = "3600", ["Cache-Control"] = "no-store" },
        };

    private static bool IsIssueKey(string key) =>
        key.Length is > 0 and <= 100 && key.Split('/') is { Length: 2 or 3 } parts && parts.All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'));

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, 16));
}
