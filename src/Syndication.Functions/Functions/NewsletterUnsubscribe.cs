using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Functions.Http;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>
/// The unsubscribe link: GET shows a page with a button (link scanners must not unsubscribe anyone);
/// POST, the button or a mail program's RFC 8058 one-click (<c>List-Unsubscribe=One-Click</c>), unsubscribes at once.
/// </summary>
public sealed class NewsletterUnsubscribe(SubscriptionService service)
{
    [Function(nameof(NewsletterUnsubscribe))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "newsletter/u/{token}")] HttpRequest request,
        string token,
        CancellationToken cancellationToken) =>
        HttpAdapter.Result(request, HttpMethods.IsPost(request.Method)
            ? await service.UnsubscribeAsync(token, cancellationToken)
            : service.UnsubscribePage(token));
}
