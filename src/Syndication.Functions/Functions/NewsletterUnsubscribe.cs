using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Http;

namespace Syndication.Functions.Functions;

/// <summary>The unsubscribe link: GET shows a page with a button (link scanners must not unsubscribe anyone); POST, the button or a mail program's RFC 8058 one-click (<c>List-Unsubscribe=One-Click</c>), unsubscribes at once.</summary>
public sealed class NewsletterUnsubscribe(NewsletterEndpoints endpoints)
{
    [Function(nameof(NewsletterUnsubscribe))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, NewsletterRoutes.Get, NewsletterRoutes.Post, Route = NewsletterRoutes.Unsubscribe)] HttpRequest request,
        string token) =>
        endpoints.HandleAsync(nameof(NewsletterUnsubscribe), request.HttpContext, token);
}
