// Long on purpose: three ninjs major versions with different shapes (1.x, 2.x, 3.x) are read into
// one draft with shared lookups; the limits of hostile JSON are checked in the same pass.
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Syndication.Core.Articles;
using Syndication.Core.Ingestion.Normalization;

namespace Syndication.Core.Ingestion;

/// <summary>
/// Reads IPTC ninjs news items of versions 1.x (<c>headline</c>, <c>body_html</c>, snake_case),
/// 2.x (<c>headlines[]</c>, <c>bodies[]</c>, lowercase) and 3.x (camelCase) into one draft.
/// Property names are matched without regard to case, which covers the 2.x/3.x split.
/// </summary>
public static class NinjsReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static ArticleDraft Read(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return ReadDocument(utf8Json);
        }
        catch (InvalidOperationException ex)
        {
            // The JSON parses, but a string in it is not text: invalid UTF-8 bytes, or an escape of
            // half a surrogate pair ("\ud800"). Found by fuzzing (ParserFuzzTests).
            throw new RejectedInputException($"A string in the ninjs item is not valid Unicode text: {FirstSentence(ex.Message)}", ex);
        }
    }

    private static ArticleDraft ReadDocument(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new RejectedInputException(
                $"Not valid JSON: {FirstSentence(ex.Message)}",
                ex.LineNumber + 1,
                ex.BytePositionInLine + 1,
                ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RejectedInputException($"A ninjs item is a JSON object, not {root.ValueKind.ToString().ToLowerInvariant()}.");
            }

            if (Property(root, "eventdetails") is not null)
            {
                throw new RejectedInputException("The ninjs item describes an event ('eventDetails'), not a news article.");
            }

            var uri = Text(root, "uri") ?? Text(root, "guid")
                ?? throw new RejectedInputException("The ninjs item has no 'uri', so it cannot be identified or updated later.");

            var headline = Headline(root)
                ?? throw new RejectedInputException("The ninjs item has no headline ('headline' or a 'headlines' entry).");

            var body = Body(root)
                ?? throw new RejectedInputException("The ninjs item has no body ('body_html', 'body_text' or a 'bodies' entry).");

            return new ArticleDraft
            {
                SourceKey = uri,
                Headline = headline,
                Summary = Summary(root),
                BodyHtml = body,
                Byline = Text(root, "by") ?? Text(root, "byline"),
                Language = Text(root, "language"),
                Created = Instant(root, "firstcreated") ?? Instant(root, "contentcreated"),
                Updated = Instant(root, "versioncreated"),
                Status = Status(root),
                SubjectCodes = SubjectCodes(root),
                Genres = Genres(root),
                Places = Places(root),
                Images = Images(root),
                Attribution = Text(root, "copyrightholder") ?? Text(root, "copyrightnotice"),
                Embargoed = Instant(root, "embargoed"),
                Urgency = Urgency(root),

                // ninjs 'ednote' is, by the standard, for the receiving desk's staff and "not published
                // to the end-user" (agencies write "Expanded." in it): only 'correction' is shown to readers.
                Correction = Text(root, "correction") is { } correction ? HtmlText.ToPlainText(correction) : null,
            };
        }
    }

    /// <summary>ninjs <c>urgency</c>: an integer from 1 (most urgent) to 9; anything else is ignored, not rejected.</summary>
    private static int? Urgency(JsonElement root) =>
        root.TryGetProperty("urgency", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is >= 1 and <= 9 ? n : null;

    private static string? Headline(JsonElement root)
    {
        if (Text(root, "headline") is { } single)
        {
            return single;
        }

        return RoleValue(Property(root, "headlines"), "main");
    }

    private static string? Summary(JsonElement root)
    {
        if (Text(root, "description_text") is { } text)
        {
            return text;
        }

        if (Text(root, "description_html") is { } html)
        {
            return HtmlText.ToPlainText(html);
        }

        var value = RoleValue(Property(root, "descriptions"), "summary") ?? RoleValue(Property(root, "descriptions"), "main");
        return value is null ? null : HtmlText.ToPlainText(value);
    }

    private static string? Body(JsonElement root)
    {
        if (Text(root, "body_html") is { } html)
        {
            return html;
        }

        if (Text(root, "body_xhtml") is { } xhtml)
        {
            return xhtml;
        }

        if (Property(root, "bodies") is { ValueKind: JsonValueKind.Array } bodies)
        {
            string? plain = null;
            foreach (var body in bodies.EnumerateArray())
            {
                var value = Text(body, "value");
                if (value is null)
                {
                    continue;
                }

                var contentType = Text(body, "contenttype") ?? "";
                if (contentType.Contains("html", StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }

                plain ??= value;
            }

            if (plain is not null)
            {
                return HtmlText.FromPlainText(plain);
            }
        }

        return Text(root, "body_text") is { } bodyText ? HtmlText.FromPlainText(bodyText) : null;
    }

    private static PublicationStatus Status(JsonElement root) =>
        (Text(root, "pubstatus") ?? "usable").ToLowerInvariant() switch
        {
            "withheld" => PublicationStatus.Withheld,
            "canceled" or "cancelled" => PublicationStatus.Canceled,
            _ => PublicationStatus.Usable,
        };

    private static List<string> SubjectCodes(JsonElement root)
    {
        var codes = new List<string>();
        foreach (var subject in Items(root, "subject", "subjects"))
        {
            if ((MediaTopicCode(Text(subject, "code")) ?? MediaTopicCode(Text(subject, "literal")) ?? MediaTopicCode(Text(subject, "uri"))) is { } code)
            {
                codes.Add(code);
            }
        }

        return codes;
    }

    /// <summary>Normalises <c>medtop:04000000</c>, <c>mediatopic:04000000</c> and the cv.iptc.org URI form.</summary>
    internal static string? MediaTopicCode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var marker = value.IndexOf("mediatopic/", StringComparison.OrdinalIgnoreCase);
        if (marker >= 0)
        {
            return "medtop:" + value[(marker + "mediatopic/".Length)..].Trim('/');
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && value[..colon] is var scheme
            && (scheme.Equals("medtop", StringComparison.OrdinalIgnoreCase) || scheme.Equals("mediatopic", StringComparison.OrdinalIgnoreCase)))
        {
            return "medtop:" + value[(colon + 1)..];
        }

        return null;
    }

    private static List<string> Genres(JsonElement root)
    {
        var genres = new List<string>();
        foreach (var genre in Items(root, "genre", "genres"))
        {
            foreach (var key in new[] { "code", "literal", "name" })
            {
                if (Text(genre, key) is { } value)
                {
                    genres.Add(value);
                }
            }
        }

        return genres;
    }

    private static List<string> Places(JsonElement root)
    {
        var places = new List<string>();
        foreach (var place in Items(root, "place", "places"))
        {
            foreach (var key in new[] { "literal", "code", "name" })
            {
                if (Text(place, key) is { } value)
                {
                    places.Add(value);
                }
            }
        }

        if (Text(root, "located") is { } located)
        {
            places.Add(located);
        }

        return places;
    }

    private static List<ArticleImage> Images(JsonElement root)
    {
        var images = new List<ArticleImage>();
        if (Property(root, "associations") is not { } associations)
        {
            return images;
        }

        IEnumerable<JsonElement> items = associations.ValueKind switch
        {
            JsonValueKind.Object => associations.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => associations.EnumerateArray(),
            _ => [],
        };

        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Object || !string.Equals(Text(item, "type"), "picture", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rendition = BestRendition(Property(item, "renditions"));
            if (rendition is { } r && Text(r, "href") is { } href && Uri.TryCreate(href, UriKind.Absolute, out var url))
            {
                var alt = Text(item, "description_text") ?? RoleValue(Property(item, "descriptions"), "summary")
                    ?? Text(item, "headline") ?? RoleValue(Property(item, "headlines"), "main");
                images.Add(new ArticleImage(url, alt, Int(r, "width"), Int(r, "height"), Text(item, "by") ?? Text(item, "byline") ?? Text(item, "copyrightholder")));
            }
        }

        return images;
    }

    private static JsonElement? BestRendition(JsonElement? renditions)
    {
        IEnumerable<JsonElement> candidates = renditions switch
        {
            { ValueKind: JsonValueKind.Object } o => o.EnumerateObject().Select(p => p.Value),
            { ValueKind: JsonValueKind.Array } a => a.EnumerateArray(),
            _ => [],
        };

        JsonElement? best = null;
        var bestWidth = -1;
        foreach (var candidate in candidates)
        {
            if (candidate.ValueKind == JsonValueKind.Object && Text(candidate, "href") is not null)
            {
                var width = Int(candidate, "width") ?? 0;
                if (width > bestWidth)
                {
                    best = candidate;
                    bestWidth = width;
                }
            }
        }

        return best;
    }

    private static IEnumerable<JsonElement> Items(JsonElement root, params string[] names)
    {
        foreach (var name in names)
        {
            if (Property(root, name) is { ValueKind: JsonValueKind.Array } array)
            {
                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object)
                    {
                        yield return item;
                    }
                }
            }
        }
    }

    private static string? RoleValue(JsonElement? array, string role)
    {
        if (array is not { ValueKind: JsonValueKind.Array } items)
        {
            return null;
        }

        string? first = null;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || Text(item, "value") is not { } value)
            {
                continue;
            }

            if (string.Equals(Text(item, "role"), role, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }

            first ??= value;
        }

        return first;
    }

    private static DateTimeOffset? Instant(JsonElement root, string name)
    {
        if (Text(root, name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant.ToUniversalTime();
        }

        throw new RejectedInputException($"'{name}' is not an ISO 8601 date-time: '{text}'.");
    }

    private static int? Int(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var value) ? value : null;

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } s && s.GetString() is { } value && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : null;

    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends " LineNumber: 3 | BytePositionInLine: 9." and " Path: ..."; the position is reported apart.
        foreach (var marker in new[] { " LineNumber:", " Path:" })
        {
            var end = message.IndexOf(marker, StringComparison.Ordinal);
            if (end > 0)
            {
                message = message[..end];
            }
        }

        return message;
    }
}

/// <summary>Small conversions between plain text and HTML used by every reader.</summary>
public static class HtmlText
{
    /// <summary>Wraps plain text in paragraphs, one per blank-line-separated block, HTML-encoded.</summary>
    public static string FromPlainText(string text)
    {
        var builder = new StringBuilder();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            builder.Append("<p>").Append(WebUtility.HtmlEncode(paragraph).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        return builder.ToString();
    }

    /// <summary>Text content of an HTML fragment, tags dropped and entities decoded, white space folded.</summary>
    /// <remarks>Kept for the readers; the work is <see cref="HtmlCleaner.ToPlainText"/>, which parses as a browser does.</remarks>
    public static string ToPlainText(string html) => HtmlCleaner.ToPlainText(html);
}
