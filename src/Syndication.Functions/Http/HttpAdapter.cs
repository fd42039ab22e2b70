using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Syndication.Pipeline;

namespace Syndication.Functions.Http;

/// <summary>Between ASP.NET Core's request and response and the newsletter service's plain values.</summary>
internal static class HttpAdapter
{
    /// <summary>A form's fields by name (repeated names keep every value); empty when the body is not a form.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return new Dictionary<string, IReadOnlyList<string>>();
        }

        var form = await request.ReadFormAsync(cancellationToken);
        return form.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value.Select(v => v ?? "").ToList(), StringComparer.Ordinal);
    }

    /// <summary>The client's address for rate limits: the first X-Forwarded-For hop (Front Door, App Service), else the connection's.</summary>
    public static string? Client(HttpRequest request) =>
        request.Headers["X-Forwarded-For"].FirstOrDefault()?.Split(',')[0].Trim() is { Length: > 0 } forwarded
            ? forwarded
            : request.HttpContext.Connection.RemoteIpAddress?.ToString();

    public static IActionResult Result(HttpRequest request, NewsletterResponse response)
    {
        foreach (var (name, value) in response.Headers)
        {
            request.HttpContext.Response.Headers[name] = value;
        }

        return new ContentResult { StatusCode = response.Status, Content = response.Body, ContentType = response.ContentType };
    }
}
