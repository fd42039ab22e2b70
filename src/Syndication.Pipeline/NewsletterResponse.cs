using Syndication.Core.Newsletters;

namespace Syndication.Pipeline;

/// <summary>What an HTTP function answers: a status, a body and its type, and headers.</summary>
public sealed record NewsletterResponse(int Status, string Body, string ContentType = NewsletterPages.ContentType)
{
    /// <summary>Pages carry tokens in their URLs and personal choices: never cached, never referred.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Cache-Control"] = "no-store",
        ["Referrer-Policy"] = "no-referrer",
        ["X-Content-Type-Options"] = "nosniff",
    };

    /// <summary>
    /// Work to do once the answer has reached the client (the HTTP layer completes the response
    /// first), so that how long it takes cannot be read from the answer.
    /// </summary>
    public Func<CancellationToken, Task>? After { get; init; }
}
