using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Functions.Http;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>An issue as a web page, the "view in browser" link of every newsletter.</summary>
public sealed class NewsletterArchive(SubscriptionService service)
{
    [Function(nameof(NewsletterArchive))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "newsletter/archive/{*issue}")] HttpRequest request,
        string issue,
        CancellationToken cancellationToken) =>
        HttpAdapter.Result(request, await service.ArchiveAsync(issue, cancellationToken));
}
