using System.Text.Encodings.Web;
using System.Text.Json;

namespace Syndication.Core.Feeds;

/// <summary>Writes JSON Feed 1.1 (https://jsonfeed.org/version/1.1). Same items, order and size cap as the RSS feed.</summary>
public static class JsonFeedWriter
{
    public const string ContentType = "application/feed+json; charset=utf-8";
    public const string Version = "https://jsonfeed.org/version/1.1";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,

        // "\n" everywhere, so a build on Windows gives the same bytes as one on Linux.
        NewLine = "\n",

        // The feed is served as application/feed+json, never inlined in a page, so HTML-sensitive
        // characters need no \u escapes; that keeps bodies readable and the feed a third smaller.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The channel's JSON Feed under the size cap of <paramref name="options"/>.</summary>
    public static byte[] Write(FeedChannel channel, IReadOnlyList<FeedEntry> entries, FeedWriteOptions? options = null) =>
        FeedWriter.WriteBytes(FeedFormat.Json, channel, entries, options);

    internal static void WriteBody(PooledBuffer buffer, FeedChannel channel, IReadOnlyList<PreparedEntry> items, Limits limits, ItemSize[]? sizes)
    {
        using var json = new Utf8JsonWriter(buffer, Options);
        json.WriteStartObject();
        json.WriteString("version", Version);
        var title = FeedText.Plain(channel.Title);
        json.WriteString("title", title);
        json.WriteString("home_page_url", channel.HomePage.AbsoluteUri);
        json.WriteString("feed_url", channel.UrlOf(FeedFormat.Json).AbsoluteUri);

        // JSON Feed's paging: next_url gives the next (older) items, so a reader walks the same
        // archive as RSS and Atom, from the current feed back to the oldest page.
        if (channel.History?.PreviousArchive is { } older)
        {
            json.WriteString("next_url", FeedHistory.In(older, FeedFormat.Json).AbsoluteUri);
        }
        if (FeedText.Plain(channel.Description) is { Length: > 0 } description)
        {
            json.WriteString("description", description);
        }

        if (channel.ImageUrl is { } image)
        {
            json.WriteString("icon", image.AbsoluteUri);
        }

        json.WriteString("language", channel.Language);
        json.WriteStartArray("authors");
        json.WriteStartObject();
        json.WriteString("name", FeedText.Plain(channel.Publisher ?? channel.Title));
        json.WriteString("url", channel.HomePage.AbsoluteUri);
        json.WriteEndObject();
        json.WriteEndArray();
        if (channel.HubUrl is { } hub)
        {
            json.WriteStartArray("hubs");
            json.WriteStartObject();
            json.WriteString("type", "WebSub");
            json.WriteString("url", hub.AbsoluteUri);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteStartArray("items");
        foreach (var entry in items)
        {
            if (limits.Includes(entry))
            {
                WriteItem(json, entry, limits.HasContent(entry), sizes);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteItem(Utf8JsonWriter json, PreparedEntry entry, bool withContent, ItemSize[]? sizes)
    {
        var start = Position(json);
        var content = 0;
        json.WriteStartObject();
        json.WriteString("id", entry.Id);
        json.WriteString("url", entry.Link);
        json.WriteString("title", entry.Title);

        // JSON Feed requires content_html or content_text: without the body, the summary (or title) stands in.
        if (withContent)
        {
            var before = Position(json);
            json.WriteString("content_html", entry.ContentHtml);
            content = (int)(Position(json) - before);
        }
        else
        {
            json.WriteString("content_text", entry.Summary.Length > 0 ? entry.Summary : entry.Title);
        }

        if (entry.Summary.Length > 0)
        {
            json.WriteString("summary", entry.Summary);
        }

        if (entry.Images.Count > 0)
        {
            json.WriteString("image", entry.Images[0].Url);
        }

        Span<char> date = stackalloc char[24];
        json.WriteString("date_published", FeedText.Rfc3339(entry.Published, date));
        json.WriteString("date_modified", FeedText.Rfc3339(entry.Updated, date));
        if (entry.Author is { } author)
        {
            json.WriteStartArray("authors");
            json.WriteStartObject();
            json.WriteString("name", author);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        // Tags are for people: the sectors' names, and the section where it is not plain news.
        var sectionTag = entry.Section.Term != "news";
        if (entry.Sectors.Count > 0 || sectionTag)
        {
            json.WriteStartArray("tags");
            foreach (var sector in entry.Sectors)
            {
                json.WriteStringValue(sector.Label);
            }

            if (sectionTag)
            {
                json.WriteStringValue(entry.Section.Label);
            }

            json.WriteEndArray();
        }

        if (entry.Language is { } language)
        {
            json.WriteString("language", language);
        }

        json.WriteEndObject();
        if (sizes is not null)
        {
            sizes[entry.Rank] = new ItemSize((int)(Position(json) - start), content);
        }
    }

    private static long Position(Utf8JsonWriter json) => json.BytesCommitted + json.BytesPending;
}
