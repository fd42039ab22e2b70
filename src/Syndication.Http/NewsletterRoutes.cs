namespace Syndication.Http;

/// <summary>One HTTP route: the function that serves it, its template under <c>/api/</c>, its methods and its one route value.</summary>
/// <param name="Function">The function's name in the Functions app (and in <c>functions.metadata</c>).</param>
/// <param name="Template">The route template, as the function's trigger declares it.</param>
/// <param name="Methods">Lower-case, as the trigger declares them.</param>
/// <param name="Parameter">The name of the route value the handler takes (a token, an issue key), if any.</param>
public sealed record NewsletterRoute(string Function, string Template, IReadOnlyList<string> Methods, string? Parameter)
{
    /// <summary>The path a browser asks for, <c>/api/{Template}</c>, with the route value's name in braces: what logs show instead of a token.</summary>
    public string LoggedPath => "/api/" + Template.Replace("{*", "{", StringComparison.Ordinal);
}

/// <summary>
/// The routing table of the HTTP functions: the Functions app's triggers name these constants, and
/// <c>syndication serve</c> maps every row to the same handler, so both serve the same routes with
/// the same code.
/// </summary>
public static class NewsletterRoutes
{
    public const string Subscribe = "newsletter/subscribe";
    public const string Confirm = "newsletter/c/{token}";
    public const string Preferences = "newsletter/p/{token}";
    public const string Unsubscribe = "newsletter/u/{token}";
    public const string Archive = "newsletter/archive/{*issue}";
    public const string SendGridEvents = "newsletter/sendgrid/events";

    public const string Get = "get";
    public const string Post = "post";

    /// <summary>Where the Functions host serves HTTP functions, and so <c>serve</c> too.</summary>
    public const string Prefix = "api/";

    public static IReadOnlyList<NewsletterRoute> All { get; } =
    [
        new("NewsletterSubscribe", Subscribe, [Get, Post], null),
        new("NewsletterConfirm", Confirm, [Get, Post], "token"),
        new("NewsletterPreferences", Preferences, [Get, Post], "token"),
        new("NewsletterUnsubscribe", Unsubscribe, [Get, Post], "token"),
        new("NewsletterArchive", Archive, [Get], "issue"),
        new("SendGridEvents", SendGridEvents, [Post], null),
    ];

    public static NewsletterRoute Named(string function) =>
        All.FirstOrDefault(r => r.Function == function) ?? throw new ArgumentException($"No HTTP route is served by a function named '{function}'.", nameof(function));
}
