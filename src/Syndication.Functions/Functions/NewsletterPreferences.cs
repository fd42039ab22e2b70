using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Syndication.Functions.Http;
using Syndication.Pipeline;

namespace Syndication.Functions.Functions;

/// <summary>A subscriber's preferences: the form (GET) and saving it (POST), reached by the signed link in every email.</summary>
public sealed class NewsletterPreferences(SubscriptionService service)
{
    [Function(nameof(NewsletterPreferences))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "newsletter/p/{token}")] HttpRequest request,
        string token,
        CancellationToken cancellationToken) =>
        HttpAdapter.Result(request, HttpMethods.IsPost(request.Method)
            ? await service.SavePreferencesAsync(token, await HttpAdapter.FormAsync(request, cancellationToken), cancellationToken)
            : await service.PreferencesAsync(token, cancellationToken));
}
