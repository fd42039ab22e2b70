using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Functions.Http;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>The sign-up form (GET) and a sign-up (POST): double opt-in, rate-limited, the same answer for every address.</summary>
public sealed class NewsletterSubscribe(SubscriptionService service)
{
    [Function(nameof(NewsletterSubscribe))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "newsletter/subscribe")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpAdapter.Result(request, HttpMethods.IsPost(request.Method)
            ? await service.SubscribeAsync(await HttpAdapter.FormAsync(request, cancellationToken), HttpAdapter.Client(request), cancellationToken)
            : service.SubscribeForm());
}
