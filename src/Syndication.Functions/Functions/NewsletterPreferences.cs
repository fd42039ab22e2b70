using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Http;

namespace Syndication.Functions.Functions;

/// <summary>A subscriber's preferences: the form (GET) and saving it or leaving (POST), reached by the signed link in every email.</summary>
public sealed class NewsletterPreferences(NewsletterEndpoints endpoints)
{
    [Function(nameof(NewsletterPreferences))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, NewsletterRoutes.Get, NewsletterRoutes.Post, Route = NewsletterRoutes.Preferences)] HttpRequest request,
        string token) =>
        endpoints.HandleAsync(nameof(NewsletterPreferences), request.HttpContext, token);
}
