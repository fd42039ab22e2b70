using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Syndication.Core.Feeds;

namespace Syndication.Tests.Feeds;

/// <summary>
/// The rules of the W3C Feed Validation Service that publishers trip on, checked on our own output.
/// Written apart from the writers (regular expressions, not their helpers) so a bug in one is not
/// repeated in the other.
/// </summary>
internal static partial class FeedLint
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace Media = "http://search.yahoo.com/mrss/";

    /// <summary>Namespaces and the prefix readers and the validator expect for each.</summary>
    private static readonly Dictionary<string, string> StandardPrefixes = new()
    {
        ["http://www.w3.org/2005/Atom"] = "atom",
        ["http://purl.org/dc/elements/1.1/"] = "dc",
        ["http://purl.org/rss/1.0/modules/content/"] = "content",
        ["http://search.yahoo.com/mrss/"] = "media",
    };

    /// <summary>Fails the test with every problem found, each on its own line.</summary>
    public static void AssertValid(FeedFormat format, ReadOnlyMemory<byte> feed, Uri selfUrl)
    {
        var problems = Check(format, feed, selfUrl);
        Assert.True(problems.Count == 0, $"The {format} feed breaks {problems.Count} rule(s):\n" + string.Join('\n', problems));
    }

    public static List<string> Check(FeedFormat format, ReadOnlyMemory<byte> feed, Uri selfUrl)
    {
        var problems = new List<string>();
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(feed.Span);
        }
        catch (DecoderFallbackException e)
        {
            return [$"not UTF-8: {e.Message}"];
        }

        if (format == FeedFormat.Json)
        {
            CheckJson(text, selfUrl, problems);
            return problems;
        }

        XDocument document;
        try
        {
            // CheckCharacters rejects what XML 1.0 forbids, raw or as character references.
            using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit });
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            return [$"not well-formed XML: {e.Message}"];
        }

        CheckPrefixes(document, format, problems);
        if (format == FeedFormat.Rss)
        {
            CheckRss(document, selfUrl, problems);
        }
        else
        {
            CheckAtom(document, selfUrl, problems);
        }

        return problems;
    }

    private static void CheckPrefixes(XDocument document, FeedFormat format, List<string> problems)
    {
        foreach (var declaration in document.Descendants().Attributes().Where(a => a.IsNamespaceDeclaration))
        {
            var prefix = declaration.Name.Namespace == XNamespace.None ? "" : declaration.Name.LocalName;
            var uri = declaration.Value;
            if (uri.TrimEnd('/') == Media.NamespaceName.TrimEnd('/') && uri != Media.NamespaceName)
            {
                problems.Add($"Media RSS namespace '{uri}' lacks its trailing slash: readers ignore it");
            }

            if (StandardPrefixes.TryGetValue(uri, out var standard) && prefix != standard
                && !(format == FeedFormat.Atom && uri == Atom.NamespaceName && prefix.Length == 0))
            {
                problems.Add($"namespace {uri} is bound to '{prefix}:', not the standard '{standard}:'");
            }
        }
    }

    private static void CheckRss(XDocument document, Uri selfUrl, List<string> problems)
    {
        var root = document.Root!;
        if (root.Name != "rss" || root.Attribute("version")?.Value != "2.0")
        {
            problems.Add("root is not <rss version=\"2.0\">");
            return;
        }

        var channels = root.Elements("channel").ToList();
        if (channels.Count != 1)
        {
            problems.Add($"{channels.Count} <channel> elements, not one");
            return;
        }

        var channel = channels[0];
        foreach (var required in new[] { "title", "link", "description" })
        {
            if (string.IsNullOrWhiteSpace(channel.Element(required)?.Value))
            {
                problems.Add($"channel lacks <{required}>");
            }
        }

        CheckTitle("channel title", channel.Element("title")?.Value, problems);
        CheckAbsolute("channel link", channel.Element("link")?.Value, problems);
        CheckSelf(channel.Elements(Atom + "link"), selfUrl, "application/rss+xml", problems);
        foreach (var date in channel.Elements("lastBuildDate").Concat(channel.Elements("pubDate")))
        {
            CheckRfc822($"channel {date.Name.LocalName}", date.Value, problems);
        }

        if (channel.Element("ttl") is { } ttl && !int.TryParse(ttl.Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            problems.Add($"ttl '{ttl.Value}' is not a whole number of minutes");
        }

        if (channel.Element("image")?.Element("url") is { } image)
        {
            CheckAbsolute("channel image", image.Value, problems);
        }

        var guids = new HashSet<string>();
        var n = 0;
        foreach (var item in channel.Elements("item"))
        {
            var where = $"item {++n}";
            if (item.Element("title") is null && item.Element("description") is null)
            {
                problems.Add($"{where} has neither title nor description");
            }

            CheckTitle($"{where} title", item.Element("title")?.Value, problems);
            if (item.Element("link") is { } link)
            {
                CheckAbsolute($"{where} link", link.Value, problems);
            }

            if (item.Element("guid") is { } guid)
            {
                // isPermaLink defaults to true: then the guid must be a full URL a reader can open.
                var permaLink = guid.Attribute("isPermaLink")?.Value ?? "true";
                if (permaLink is not ("true" or "false"))
                {
                    problems.Add($"{where} guid isPermaLink='{permaLink}' is neither true nor false");
                }
                else if (permaLink == "true")
                {
                    CheckAbsolute($"{where} guid (isPermaLink=\"true\")", guid.Value, problems);
                }

                if (!guids.Add(guid.Value))
                {
                    problems.Add($"{where} repeats guid {guid.Value}");
                }
            }

            if (item.Element("pubDate") is { } pubDate)
            {
                CheckRfc822($"{where} pubDate", pubDate.Value, problems);
            }

            if (item.Element("description") is { } description)
            {
                CheckHtmlLinks($"{where} description", description.Value, problems);
            }

            if (item.Element(Content + "encoded") is { } encoded)
            {
                CheckHtmlLinks($"{where} content:encoded", encoded.Value, problems);
            }

            foreach (var category in item.Elements("category"))
            {
                if (string.IsNullOrWhiteSpace(category.Value))
                {
                    problems.Add($"{where} has an empty category");
                }
            }

            CheckMedia(where, item, problems);
        }
    }

    private static void CheckAtom(XDocument document, Uri selfUrl, List<string> problems)
    {
        var feed = document.Root!;
        if (feed.Name != Atom + "feed")
        {
            problems.Add("root is not an Atom <feed>");
            return;
        }

        foreach (var required in new[] { "id", "title", "updated" })
        {
            if (string.IsNullOrWhiteSpace(feed.Element(Atom + required)?.Value))
            {
                problems.Add($"feed lacks <{required}>");
            }
        }

        CheckAbsolute("feed id", feed.Element(Atom + "id")?.Value, problems);
        CheckTitle("feed title", feed.Element(Atom + "title")?.Value, problems);
        CheckRfc3339("feed updated", feed.Element(Atom + "updated")?.Value, problems);
        CheckSelf(feed.Elements(Atom + "link"), selfUrl, "application/atom+xml", problems);
        var feedHasAuthor = feed.Elements(Atom + "author").Any(a => !string.IsNullOrWhiteSpace(a.Element(Atom + "name")?.Value));
        var ids = new HashSet<string>();
        var n = 0;
        foreach (var entry in feed.Elements(Atom + "entry"))
        {
            var where = $"entry {++n}";
            foreach (var required in new[] { "id", "title", "updated" })
            {
                if (entry.Element(Atom + required) is null)
                {
                    problems.Add($"{where} lacks <{required}>");
                }
            }

            var id = entry.Element(Atom + "id")?.Value;
            CheckAbsolute($"{where} id", id, problems);
            if (id is not null && !ids.Add(id))
            {
                problems.Add($"{where} repeats id {id}");
            }

            if (entry.Element(Atom + "title") is { } title && (title.Attribute("type")?.Value ?? "text") == "text")
            {
                CheckTitle($"{where} title", title.Value, problems);
            }

            CheckRfc3339($"{where} updated", entry.Element(Atom + "updated")?.Value, problems);
            if (entry.Element(Atom + "published") is { } published)
            {
                CheckRfc3339($"{where} published", published.Value, problems);
            }

            if (!feedHasAuthor && !entry.Elements(Atom + "author").Any())
            {
                problems.Add($"{where} has no author and the feed has none either");
            }

            foreach (var link in entry.Elements(Atom + "link"))
            {
                CheckAbsolute($"{where} link", link.Attribute("href")?.Value, problems);
            }

            if (!entry.Elements(Atom + "link").Any(l => (l.Attribute("rel")?.Value ?? "alternate") == "alternate") && entry.Element(Atom + "content") is null)
            {
                problems.Add($"{where} has neither an alternate link nor content");
            }

            foreach (var name in new[] { "summary", "content" })
            {
                if (entry.Element(Atom + name) is { } body && body.Attribute("type")?.Value is "html")
                {
                    CheckHtmlLinks($"{where} {name}", body.Value, problems);
                }
            }

            CheckMedia(where, entry, problems);
        }
    }

    private static void CheckJson(string text, Uri selfUrl, List<string> problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            problems.Add($"not JSON: {e.Message}");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (String(root, "version") != "https://jsonfeed.org/version/1.1")
            {
                problems.Add($"version is '{String(root, "version")}', not https://jsonfeed.org/version/1.1");
            }

            if (String(root, "title") is not { Length: > 0 } title)
            {
                problems.Add("feed lacks title");
            }
            else
            {
                CheckTitle("feed title", title, problems);
            }

            if (String(root, "feed_url") != selfUrl.AbsoluteUri)
            {
                problems.Add($"feed_url is '{String(root, "feed_url")}', not the feed's own URL {selfUrl}");
            }

            CheckAbsolute("home_page_url", String(root, "home_page_url"), problems);
            CheckAuthors("feed", root, problems);
            if (root.TryGetProperty("hubs", out var hubs))
            {
                foreach (var hub in hubs.EnumerateArray())
                {
                    if (String(hub, "type") is not { Length: > 0 })
                    {
                        problems.Add("a hub lacks its type");
                    }

                    CheckAbsolute("hub url", String(hub, "url"), problems);
                }
            }

            if (!root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                problems.Add("feed lacks the items array");
                return;
            }

            var ids = new HashSet<string>();
            var n = 0;
            foreach (var item in items.EnumerateArray())
            {
                var where = $"item {++n}";
                if (!item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } idText)
                {
                    problems.Add($"{where} lacks a string id");
                }
                else if (!ids.Add(idText))
                {
                    problems.Add($"{where} repeats id {idText}");
                }

                if (String(item, "content_html") is null && String(item, "content_text") is null)
                {
                    problems.Add($"{where} has neither content_html nor content_text");
                }

                if (String(item, "content_html") is { } html)
                {
                    CheckHtmlLinks($"{where} content_html", html, problems);
                }

                CheckTitle($"{where} title", String(item, "title"), problems);
                foreach (var url in new[] { "url", "external_url", "image", "banner_image" })
                {
                    if (String(item, url) is { } value)
                    {
                        CheckAbsolute($"{where} {url}", value, problems);
                    }
                }

                foreach (var date in new[] { "date_published", "date_modified" })
                {
                    if (item.TryGetProperty(date, out _))
                    {
                        CheckRfc3339($"{where} {date}", String(item, date), problems);
                    }
                }

                CheckAuthors(where, item, problems);
            }
        }

        static void CheckAuthors(string where, JsonElement element, List<string> problems)
        {
            if (!element.TryGetProperty("authors", out var authors))
            {
                return;
            }

            foreach (var author in authors.EnumerateArray())
            {
                if (String(author, "name") is null && String(author, "url") is null && String(author, "avatar") is null)
                {
                    problems.Add($"{where} has an author with neither name, url nor avatar");
                }
            }
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void CheckSelf(IEnumerable<XElement> links, Uri selfUrl, string type, List<string> problems)
    {
        var self = links.Where(l => l.Attribute("rel")?.Value == "self").ToList();
        if (self.Count != 1)
        {
            problems.Add($"{self.Count} self links, not one");
            return;
        }

        if (self[0].Attribute("href")?.Value != selfUrl.AbsoluteUri)
        {
            problems.Add($"self link is '{self[0].Attribute("href")?.Value}', not the feed's own URL {selfUrl}");
        }

        if (self[0].Attribute("type")?.Value != type)
        {
            problems.Add($"self link type is '{self[0].Attribute("type")?.Value}', not {type}");
        }

        foreach (var hub in links.Where(l => l.Attribute("rel")?.Value == "hub"))
        {
            CheckAbsolute("hub link", hub.Attribute("href")?.Value, problems);
        }
    }

    private static void CheckMedia(string where, XElement item, List<string> problems)
    {
        foreach (var media in item.Elements(Media + "content"))
        {
            CheckAbsolute($"{where} media:content url", media.Attribute("url")?.Value, problems);
            foreach (var size in new[] { "width", "height" })
            {
                if (media.Attribute(size) is { } value && !int.TryParse(value.Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add($"{where} media:content {size}='{value.Value}' is not a whole number");
                }
            }
        }
    }

    /// <summary>Titles are text: no markup and no entity left (readers differ on whether to decode one).</summary>
    private static void CheckTitle(string where, string? title, List<string> problems)
    {
        if (title is null)
        {
            return;
        }

        if (HtmlInText().IsMatch(title))
        {
            problems.Add($"{where} contains HTML: '{title}'");
        }

        if (title != title.Trim() || title.Contains('\n', StringComparison.Ordinal))
        {
            problems.Add($"{where} has stray white space: '{title}'");
        }
    }

    /// <summary>A full URL: a scheme and an authority (http, https) or an opaque one (mailto:, tag:, urn:).</summary>
    private static void CheckAbsolute(string where, string? value, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{where} is missing");
            return;
        }

        if (!SchemePrefix().IsMatch(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.IsFile
            || (uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Host)))
        {
            problems.Add($"{where} is not a full URL: '{value}'");
        }
    }

    /// <summary>Every link and image source in an HTML body must be absolute: readers resolve relative ones against the feed, not the article.</summary>
    private static void CheckHtmlLinks(string where, string html, List<string> problems)
    {
        foreach (Match match in UrlAttribute().Matches(html))
        {
            var name = match.Groups["name"].Value.ToLowerInvariant();
            var value = WebUtility.HtmlDecode(match.Groups["value"].Value).Trim();
            var urls = name == "srcset" ? value.Split(',').Select(c => c.Trim().Split(' ')[0]) : [value];
            foreach (var url in urls.Where(u => u.Length > 0))
            {
                if (!SchemePrefix().IsMatch(url))
                {
                    problems.Add($"{where} has a relative {name}: '{url}'");
                }
            }
        }
    }

    private static void CheckRfc822(string where, string value, List<string> problems)
    {
        var match = Rfc822().Match(value);
        if (!match.Success)
        {
            problems.Add($"{where} '{value}' is not an RFC 822 date");
            return;
        }

        var date = $"{match.Groups["day"].Value.PadLeft(2, '0')} {match.Groups["month"].Value} {match.Groups["year"].Value}";
        if (!DateTime.TryParseExact(date, "dd MMM yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            problems.Add($"{where} '{value}' has no such day");
        }
        else if (match.Groups["weekday"].Success && parsed.ToString("ddd", CultureInfo.InvariantCulture) != match.Groups["weekday"].Value)
        {
            problems.Add($"{where} '{value}' says {match.Groups["weekday"].Value} but that day is a {parsed:dddd}");
        }
    }

    private static void CheckRfc3339(string where, string? value, List<string> problems)
    {
        if (value is null || !Rfc3339().IsMatch(value)
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
        {
            problems.Add($"{where} '{value}' is not an RFC 3339 date");
        }
    }

    [GeneratedRegex(@"^(?:(?<weekday>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(?<day>\d{1,2}) (?<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?<year>\d{4}) \d{2}:\d{2}(?::\d{2})? (?:UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|Z|[+-]\d{4})$")]
    private static partial Regex Rfc822();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*:")]
    private static partial Regex SchemePrefix();

    [GeneratedRegex(@"</?[A-Za-z][^>]*>|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);")]
    private static partial Regex HtmlInText();

    [GeneratedRegex(@"\b(?<name>href|src|srcset|poster)\s*=\s*(?:""(?<value>[^""]*)""|'(?<value>[^']*)'|(?<value>[^\s>]+))", RegexOptions.IgnoreCase)]
    private static partial Regex UrlAttribute();
}
