using System.Text.Json;

namespace Syndication.Tests.Ingestion.Feeds;

/// <summary>What Debian's feedparser extracted from one corpus feed (<c>expected/*.feedparser.json</c>).</summary>
internal sealed record FeedparserOracle(string File, bool WellFormed, string? Version, string? Title, string? Link, IReadOnlyList<OracleEntry> Entries)
{
    public static FeedparserOracle For(string feedFile)
    {
        using var json = JsonDocument.Parse(System.IO.File.ReadAllBytes(Repository.CorpusFile("expected", feedFile + ".feedparser.json")));
        var root = json.RootElement;
        var entries = root.GetProperty("entries").EnumerateArray()
            .Select(e => new OracleEntry(
                Text(e, "id"),
                Text(e, "title"),
                Text(e, "link"),
                Instant(e, "published"),
                Instant(e, "updated"),
                Text(e, "author"),
                [.. e.GetProperty("tags").EnumerateArray().Select(t => t.GetString() ?? "")]))
            .ToList();
        return new FeedparserOracle(feedFile, root.GetProperty("wellFormed").GetBoolean(), Text(root, "version"), Text(root, "title"), Text(root, "link"), entries);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Instant(JsonElement element, string name) =>
        Text(element, name) is { } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// One feedparser entry. feedparser's <c>updated</c> falls back to <c>published</c> when the entry
/// has no date of its own for it (feedparser 6 keeps that old alias), so compare ours the same way.
/// </summary>
internal sealed record OracleEntry(string? Id, string? Title, string? Link, DateTimeOffset? Published, DateTimeOffset? Updated, string? Author, IReadOnlyList<string> Tags);
