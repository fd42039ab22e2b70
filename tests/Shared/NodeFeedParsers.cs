using System.ComponentModel;
using System.Text.Json;

namespace Syndication.Tests.Feeds;

/// <summary>What one parser saw of one item.</summary>
/// <param name="Updated">The item's last change where the format and the parser carry one (Atom <c>updated</c>, JSON Feed <c>date_modified</c>).</param>
/// <param name="Text">What the parser shows of the item's text (its summary or content).</param>
internal sealed record ParsedItem(string? Id, string? Title, string? Link, DateTimeOffset? Date, DateTimeOffset? Updated = null, string? Text = null);

/// <summary>
/// The two npm feed parsers pinned in the repository's <c>package.json</c> (rss-parser and
/// @extractus/feed-extractor), run through <c>tests/feed-parsers/parse.mjs</c>. Installs them
/// with <c>npm ci</c> once when <c>node_modules</c> lacks them, like the Azurite launcher does;
/// without Node it fails and says what is missing rather than skipping.
/// </summary>
internal static class NodeFeedParsers
{
    private static readonly string[] Packages = ["rss-parser", Path.Combine("@extractus", "feed-extractor")];
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool _installed;

    public static string Script => Path.Combine(Repository.Root, "tests", "feed-parsers", "parse.mjs");

    /// <summary>Each parser's items by parser name; a parser that cannot read the format is absent and named in <c>Skipped</c>.</summary>
    public static async Task<(Dictionary<string, List<ParsedItem>> Items, Dictionary<string, string> Skipped)> ParseAsync(string file)
    {
        await EnsureInstalledAsync();
        var (exitCode, output, error) = await RunAsync("node", [Script, file], Repository.Root, TimeSpan.FromSeconds(60));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"node {Script} {file} failed with exit code {exitCode}:\n{error}");
        }

        using var json = JsonDocument.Parse(output);
        var items = new Dictionary<string, List<ParsedItem>>();
        var skipped = new Dictionary<string, string>();
        foreach (var parser in json.RootElement.EnumerateObject())
        {
            if (parser.Value.TryGetProperty("error", out var failure))
            {
                throw new InvalidOperationException($"{parser.Name} could not read {file}: {failure.GetString()}");
            }

            if (parser.Value.TryGetProperty("skipped", out var reason))
            {
                skipped[parser.Name] = reason.GetString() ?? "";
                continue;
            }

            items[parser.Name] = [.. parser.Value.GetProperty("items").EnumerateArray().Select(item => new ParsedItem(
                Text(item, "id"),
                Text(item, "title"),
                Text(item, "link"),
                Text(item, "date") is { } date ? DateTimeOffset.Parse(date, System.Globalization.CultureInfo.InvariantCulture) : null,
                Text(item, "updated") is { } updated ? DateTimeOffset.Parse(updated, System.Globalization.CultureInfo.InvariantCulture) : null,
                Text(item, "text")))];
        }

        return (items, skipped);
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (_installed || Packages.All(p => File.Exists(Path.Combine(Repository.Root, "node_modules", p, "package.json"))))
            {
                _installed = true;
                return;
            }

            var (exitCode, _, error) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], Repository.Root, TimeSpan.FromMinutes(5));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"'npm ci' in {Repository.Root} failed with exit code {exitCode}; the feed parser tests need the npm packages pinned in package.json:\n{error}");
            }

            _installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string fileName, string[] arguments, string directory, TimeSpan timeout)
    {
        try
        {
            return await ChildProcess.RunAsync(fileName, arguments, directory, input: null, timeout);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"'{fileName}' is not on PATH: the feed parser tests need Node.js 20 and npm (as the README says).", e);
        }
    }
}
