using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Http;

namespace Syndication.Functions.Functions;

/// <summary>The sign-up form (GET) and a sign-up (POST): double opt-in, rate-limited, the same answer in the same time for every address.</summary>
public sealed class NewsletterSubscribe(NewsletterEndpoints endpoints)
{
    [Function(nameof(NewsletterSubscribe))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, NewsletterRoutes.Get, NewsletterRoutes.Post, Route = NewsletterRoutes.Subscribe)] HttpRequest request) =>
        endpoints.HandleAsync(nameof(NewsletterSubscribe), request.HttpContext, null);
}
