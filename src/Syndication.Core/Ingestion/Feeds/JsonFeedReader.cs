using System.Text.Json;

namespace Syndication.Core.Ingestion.Feeds;

/// <summary>
/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1). The two differ in authors
/// (<c>author</c> object in 1.0, <c>authors</c> array in 1.1) and 1.1's <c>language</c>; both are read.
/// </summary>
internal static class JsonFeedReader
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static ParsedFeed Read(ReadOnlyMemory<byte> utf8, ZoneAbbreviations zones)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var marker = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new RejectedInputException(
                $"The feed is not valid JSON: {(marker > 0 ? message[..marker] : message)}",
                ex.LineNumber + 1,
                ex.BytePositionInLine + 1,
                ex);
        }

        try
        {
            using (document)
            {
                var root = document.RootElement;
                var version = root.ValueKind == JsonValueKind.Object ? String(root, "version") : null;
                if (version is null || !version.StartsWith("https://jsonfeed.org/version/", StringComparison.OrdinalIgnoreCase))
                {
                    throw new RejectedInputException("The document is JSON but not a JSON Feed: it has no 'version' of https://jsonfeed.org/version/1 or /1.1.");
                }

                var entries = new List<ParsedEntry>();
                if (root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in items.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Object)
                        {
                            entries.Add(ReadItem(item, zones));
                        }
                    }
                }

                return new ParsedFeed
                {
                    Format = FeedFormat.JsonFeed,
                    Version = version["https://jsonfeed.org/version/".Length..],
                    Title = String(root, "title"),
                    Link = String(root, "home_page_url"),
                    Language = String(root, "language"),
                    Entries = entries,
                };
            }
        }
        catch (InvalidOperationException ex)
        {
            // Valid JSON whose strings are not text (invalid UTF-8, half a surrogate pair): found by fuzzing.
            throw new RejectedInputException($"The feed has a string that is not valid Unicode text: {ex.Message}", ex);
        }
    }

    private static ParsedEntry ReadItem(JsonElement item, ZoneAbbreviations zones)
    {
        var e = new EntryBuilder
        {
            // The spec says the id is a string; 1.0 feeds in the wild write numbers too.
            Id = item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetRawText() : String(item, "id"),
            Title = String(item, "title"),
            Link = String(item, "url") ?? String(item, "external_url"),
            Summary = String(item, "summary") is { } summary ? HtmlText.FromPlainText(summary) : null,
            Content = String(item, "content_html") ?? (String(item, "content_text") is { } text ? HtmlText.FromPlainText(text) : null),
            Published = FeedDates.Parse(String(item, "date_published"), zones),
            Updated = FeedDates.Parse(String(item, "date_modified"), zones),
        };

        if (item.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array)
        {
            foreach (var author in authors.EnumerateArray())
            {
                e.AddAuthor(author.ValueKind == JsonValueKind.Object ? String(author, "name") : null);
            }
        }
        else if (item.TryGetProperty("author", out var author) && author.ValueKind == JsonValueKind.Object)
        {
            e.AddAuthor(String(author, "name"));
        }

        if (item.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
        {
            foreach (var tag in tags.EnumerateArray())
            {
                e.AddCategory(tag.ValueKind == JsonValueKind.String ? tag.GetString() : null);
            }
        }

        if (String(item, "image") is { } image)
        {
            e.AddImage(image, null, null, null, null, thumbnail: false);
        }

        if (item.TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array)
        {
            foreach (var attachment in attachments.EnumerateArray())
            {
                if (attachment.ValueKind == JsonValueKind.Object
                    && String(attachment, "mime_type") is { } type && type.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
                    && String(attachment, "url") is { } url)
                {
                    e.AddImage(url, String(attachment, "title"), null, null, null, thumbnail: false);
                }
            }
        }

        if (String(item, "banner_image") is { } banner)
        {
            e.AddImage(banner, null, null, null, null, thumbnail: true);
        }

        return e.Build();
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text && !string.IsNullOrWhiteSpace(text)
            ? text.Trim()
            : null;
}
