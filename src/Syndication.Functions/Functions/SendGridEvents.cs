using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Functions.Http;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>SendGrid's signed Event Webhook: bounces, spam reports and unsubscribes suppress; repeats are ignored.</summary>
public sealed class SendGridEvents(SubscriptionService service)
{
    /// <summary>SendGrid's batches are far smaller; more is not SendGrid.</summary>
    private const int MaximumBodyBytes = 8 * 1024 * 1024;

    [Function(nameof(SendGridEvents))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "newsletter/sendgrid/events")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaximumBodyBytes)
        {
            return new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
        }

        // The signature covers the raw bytes: read them as they came, before any parsing.
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return HttpAdapter.Result(request, await service.WebhookAsync(
            request.Headers[Core.Newsletters.SendGridEventVerifier.SignatureHeader].FirstOrDefault(),
            request.Headers[Core.Newsletters.SendGridEventVerifier.TimestampHeader].FirstOrDefault(),
            body.GetBuffer().AsMemory(0, (int)body.Length),
            cancellationToken));
    }
}
