using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Http;

namespace Syndication.Functions.Functions;

/// <summary>SendGrid's signed Event Webhook: bounces, spam reports and unsubscribes suppress; repeats are ignored. Unsigned or stale calls are refused before the body is read.</summary>
public sealed class SendGridEvents(NewsletterEndpoints endpoints)
{
    [Function(nameof(SendGridEvents))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, NewsletterRoutes.Post, Route = NewsletterRoutes.SendGridEvents)] HttpRequest request) =>
        endpoints.HandleAsync(nameof(SendGridEvents), request.HttpContext, null);
}
