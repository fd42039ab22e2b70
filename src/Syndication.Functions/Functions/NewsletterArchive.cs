using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Http;

namespace Syndication.Functions.Functions;

/// <summary>An issue as a web page, the "view in browser" link of every newsletter.</summary>
public sealed class NewsletterArchive(NewsletterEndpoints endpoints)
{
    [Function(nameof(NewsletterArchive))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, NewsletterRoutes.Get, Route = NewsletterRoutes.Archive)] HttpRequest request,
        string issue) =>
        endpoints.HandleAsync(nameof(NewsletterArchive), request.HttpContext, issue);
}
