using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;

namespace Syndication.Http;

/// <summary>
/// The handlers of <see cref="NewsletterRoutes"/>, between ASP.NET Core's request and response and
/// the subscription service's plain values. The Functions app's HTTP triggers and
/// <c>syndication serve</c> both call <see cref="HandleAsync"/>, so what a browser gets from one it
/// gets from the other.
/// </summary>
public sealed class NewsletterEndpoints(SubscriptionService service, IOptions<NewsletterOptions> options, ILogger<NewsletterEndpoints> logger)
{
    /// <summary>The sign-up and preferences forms are a few hundred bytes; anything past this is not one of them.</summary>
    public const int MaximumFormBytes = 16 * 1024;

    /// <summary>SendGrid's event batches are far smaller; more is not SendGrid.</summary>
    public const int MaximumWebhookBytes = 8 * 1024 * 1024;

    private const string TextPlain = "text/plain; charset=utf-8";

    /// <summary>
    /// Serves one request on the route of <paramref name="function"/>: writes the answer, then runs
    /// what is to be done after it (<see cref="NewsletterResponse.After"/>) with the response
    /// already complete, so its duration cannot be read from the answer.
    /// </summary>
    /// <param name="value">The route's value (a token, an issue key), as the trigger or the router bound it.</param>
    /// <returns>A result that writes nothing more, for a function to return.</returns>
    public async Task<IActionResult> HandleAsync(string function, HttpContext context, string? value)
    {
        ArgumentNullException.ThrowIfNull(context);
        var route = NewsletterRoutes.Named(function);
        var cancellationToken = context.RequestAborted;
        var response = await AnswerAsync(route, context, value ?? "", cancellationToken);

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, header) in response.Headers)
        {
            context.Response.Headers[name] = header;
        }

        if (response.After is not null)
        {
            // A next request on this connection would wait for the work after the answer, and its delay would tell what the answer hides.
            context.Response.Headers.Connection = "close";
        }

        await context.Response.WriteAsync(response.Body, cancellationToken);

        // The route's template, never the path: tokens stay out of logs and telemetry.
        logger.LogInformation("HTTP {Method} {Route} answered {Status}", context.Request.Method, route.LoggedPath, response.Status);
        if (response.After is { } after)
        {
            await context.Response.CompleteAsync();
            try
            {
                await after(CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "HTTP {Route}: the work after the answer failed", route.LoggedPath);
            }
        }

        return new EmptyResult();
    }

    private async Task<NewsletterResponse> AnswerAsync(NewsletterRoute route, HttpContext context, string value, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var post = HttpMethods.IsPost(request.Method);
        switch (route.Function)
        {
            case "NewsletterSubscribe":
                if (!post)
                {
                    return service.SubscribeForm();
                }

                var signUp = await FormAsync(request, cancellationToken);
                return signUp is null ? TooLarge() : await service.SubscribeAsync(signUp, Client(context), cancellationToken);
            case "NewsletterConfirm":
                return post ? await service.ConfirmAsync(value, cancellationToken) : service.ConfirmPage(value);
            case "NewsletterPreferences":
                if (!post)
                {
                    return await service.PreferencesAsync(value, cancellationToken);
                }

                var choices = await FormAsync(request, cancellationToken);
                return choices is null ? TooLarge() : await service.SavePreferencesAsync(value, choices, cancellationToken);
            case "NewsletterUnsubscribe":
                // POST is the page's button or a mail program's RFC 8058 one-click (List-Unsubscribe=One-Click): the token says who, the body nothing more.
                return post ? await service.UnsubscribeAsync(value, cancellationToken) : service.UnsubscribePage(value);
            case "NewsletterArchive":
                return await service.ArchiveAsync(value, cancellationToken);
            case "SendGridEvents":
                return await WebhookAsync(request, cancellationToken);
            default:
                throw new InvalidOperationException($"The route of {route.Function} has no handler.");
        }
    }

    private async Task<NewsletterResponse> WebhookAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var signature = request.Headers[SendGridEventVerifier.SignatureHeader].FirstOrDefault();
        var timestamp = request.Headers[SendGridEventVerifier.TimestampHeader].FirstOrDefault();

        // Missing or stale signature headers are refused before a byte of the body is read.
        if (service.RefuseWebhookHeaders(signature, timestamp) is { } refused)
        {
            return refused;
        }

        // The signature covers the raw bytes: they are read as they came, before any parsing.
        var body = await ReadCappedAsync(request, MaximumWebhookBytes, cancellationToken);
        return body is null ? TooLarge() : await service.WebhookAsync(signature, timestamp, body, cancellationToken);
    }

    /// <summary>The client as the platform saw it (see <see cref="ClientAddress"/>).</summary>
    private string? Client(HttpContext context) =>
        ClientAddress.From(context.Request.Headers["X-Forwarded-For"], options.Value.TrustedProxyHops, context.Connection.RemoteIpAddress);

    /// <summary>A URL-encoded form's fields by name (repeated names keep every value); empty when the body is not such a form; null when it is too large.</summary>
    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>?> FormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadCappedAsync(request, MaximumFormBytes, cancellationToken);
        if (body is null)
        {
            return null;
        }

        if (!request.HasFormContentType || !request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return new Dictionary<string, IReadOnlyList<string>>();
        }

        using var reader = new FormReader(Encoding.UTF8.GetString(body));
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form;
        try
        {
            form = await reader.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null; // more fields, or longer names, than any form of ours has
        }

        return form.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)[.. f.Value.Select(v => v ?? "")], StringComparer.Ordinal);
    }

    /// <summary>
    /// The body, or null past <paramref name="limit"/> bytes. The bytes actually read are counted, so
    /// a chunked body without Content-Length, or one that lies about it, stops at the limit too.
    /// </summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var body = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (body.Length + read > limit)
                {
                    return null;
                }

                body.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return body.ToArray();
    }

    private static NewsletterResponse TooLarge() => new(413, "The request is larger than this endpoint takes.", TextPlain);
}
