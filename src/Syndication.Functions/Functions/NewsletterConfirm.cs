using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Http;

namespace Syndication.Functions.Functions;

/// <summary>The link of the confirmation email: GET shows a page with a button (mail scanners follow links), POST, the button, confirms.</summary>
public sealed class NewsletterConfirm(NewsletterEndpoints endpoints)
{
    [Function(nameof(NewsletterConfirm))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, NewsletterRoutes.Get, NewsletterRoutes.Post, Route = NewsletterRoutes.Confirm)] HttpRequest request,
        string token) =>
        endpoints.HandleAsync(nameof(NewsletterConfirm), request.HttpContext, token);
}
