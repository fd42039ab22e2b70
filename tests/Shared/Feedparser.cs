using System.ComponentModel;
using System.Globalization;
using System.Text.Json;

namespace Syndication.Tests.Feeds;

/// <summary>A link of a feed as feedparser reports it (RFC 5005's <c>current</c>, <c>prev-archive</c>, <c>next-archive</c> among them).</summary>
internal sealed record FeedparserLink(string? Rel, string? Href);

/// <summary>One entry as feedparser reads it; <paramref name="Content"/> holds the values of its <c>content</c> list.</summary>
internal sealed record FeedparserEntry(string? Id, string? Link, string? Title, DateTimeOffset? Updated, DateTimeOffset? Published, string? Summary, IReadOnlyList<string> Content);

/// <summary>A whole document as feedparser reads it: the feed-level fields, its links, its entries, and whether feedparser found it malformed (<c>bozo</c>).</summary>
internal sealed record FeedparserFeed(
    string? Version,
    bool Bozo,
    string? BozoException,
    string? Id,
    string? Title,
    string? Link,
    string? Subtitle,
    DateTimeOffset? Updated,
    IReadOnlyList<FeedparserLink> Links,
    IReadOnlyList<FeedparserEntry> Entries)
{
    public string? LinkTo(string rel) => Links.FirstOrDefault(l => l.Rel == rel)?.Href;
}

/// <summary>
/// Python's feedparser (Debian's python3-feedparser, which <c>.ci/run</c> installs), run through
/// <c>tests/feed-parsers/parse.py</c> with the document on stdin. Tests that use it are
/// <see cref="FeedparserFactAttribute"/>s: skipped, with the reason shown, where no Python with
/// feedparser is found.
/// </summary>
internal static class Feedparser
{
    // Debian's own python3 as well: a pyenv or venv python3 earlier on PATH does not see its packages.
    private static readonly string[] Pythons = ["python3", "/usr/bin/python3"];
    private static readonly Lazy<string?> Python = new(Find);

    public static string Script => Path.Combine(Repository.Root, "tests", "feed-parsers", "parse.py");

    public static bool IsAvailable => Python.Value is not null;

    public const string NotAvailableReason = "No python3 with feedparser here (tried python3 and /usr/bin/python3); .ci/run installs Debian's python3-feedparser.";

    public static async Task<FeedparserFeed> ParseAsync(byte[] document)
    {
        var python = Python.Value ?? throw new InvalidOperationException(NotAvailableReason);
        var (exitCode, output, error) = await RunAsync(python, [Script], document, TimeSpan.FromSeconds(60));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{python} {Script} failed with exit code {exitCode}:\n{error}");
        }

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var feed = root.GetProperty("feed");
        return new FeedparserFeed(
            Text(root, "version"),
            root.GetProperty("bozo").GetBoolean(),
            Text(root, "bozo_exception"),
            Text(feed, "id"),
            Text(feed, "title"),
            Text(feed, "link"),
            Text(feed, "subtitle"),
            Date(feed, "updated"),
            [.. feed.GetProperty("links").EnumerateArray().Select(l => new FeedparserLink(Text(l, "rel"), Text(l, "href")))],
            [.. root.GetProperty("entries").EnumerateArray().Select(e => new FeedparserEntry(
                Text(e, "id"),
                Text(e, "link"),
                Text(e, "title"),
                Date(e, "updated"),
                Date(e, "published"),
                Text(e, "summary"),
                [.. e.GetProperty("content").EnumerateArray().Select(c => c.GetString() ?? "")]))]);
    }

    private static string? Text(JsonElement node, string name) =>
        node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Date(JsonElement node, string name) =>
        Text(node, name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;

    private static string? Find()
    {
        foreach (var python in Pythons)
        {
            try
            {
                var (exitCode, _, _) = RunAsync(python, ["-c", "import feedparser"], [], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                if (exitCode == 0)
                {
                    return python;
                }
            }
            catch (Exception e) when (e is Win32Exception or TimeoutException)
            {
                // Not there, or not answering: try the next.
            }
        }

        return null;
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(string fileName, string[] arguments, byte[] input, TimeSpan timeout) =>
        ChildProcess.RunAsync(fileName, arguments, Repository.Root, input, timeout);
}

/// <summary>A fact that reads feeds with Python's feedparser; skipped, with the reason shown, where it is absent.</summary>
internal sealed class FeedparserFactAttribute : FactAttribute
{
    public FeedparserFactAttribute()
    {
        if (!Feedparser.IsAvailable)
        {
            Skip = Feedparser.NotAvailableReason;
        }
    }
}

/// <summary>A theory that reads feeds with Python's feedparser; skipped, with the reason shown, where it is absent.</summary>
internal sealed class FeedparserTheoryAttribute : TheoryAttribute
{
    public FeedparserTheoryAttribute()
    {
        if (!Feedparser.IsAvailable)
        {
            Skip = Feedparser.NotAvailableReason;
        }
    }
}
