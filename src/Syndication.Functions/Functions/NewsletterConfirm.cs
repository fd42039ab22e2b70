using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Functions.Http;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>The link of the confirmation email: a signed token with an expiry in the path confirms the subscription.</summary>
public sealed class NewsletterConfirm(SubscriptionService service)
{
    [Function(nameof(NewsletterConfirm))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "newsletter/c/{token}")] HttpRequest request,
        string token,
        CancellationToken cancellationToken) =>
        HttpAdapter.Result(request, await service.ConfirmAsync(token, cancellationToken));
}
