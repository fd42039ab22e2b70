using System.Text.Json;

namespace Syndication.Core.Newsletters;

/// <summary>Why an address must not be mailed again.</summary>
public enum SuppressionReason
{
    /// <summary>The receiving server said the mailbox does not exist (or SendGrid dropped it as a known bounce).</summary>
    HardBounce,

    /// <summary>SendGrid dropped the message because the address is invalid.</summary>
    InvalidAddress,

    /// <summary>The recipient marked a message as spam.</summary>
    SpamReport,

    /// <summary>The recipient unsubscribed through SendGrid (its link or the List-Unsubscribe header).</summary>
    Unsubscribe,

    /// <summary>The recipient left an unsubscribe group.</summary>
    GroupUnsubscribe,
}

/// <summary>One event of a SendGrid Event Webhook batch, with the fields the newsletter acts on.</summary>
public sealed record SendGridEvent
{
    /// <summary>Unique per event: the key to process each event once, as SendGrid may post one twice.</summary>
    public string? EventId { get; init; }

    /// <summary><c>processed</c>, <c>delivered</c>, <c>bounce</c>, <c>dropped</c>, <c>spamreport</c>, <c>unsubscribe</c>...</summary>
    public required string Event { get; init; }

    public required string Email { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public string? MessageId { get; init; }

    /// <summary>For <c>bounce</c>: <c>bounce</c> (permanent) or <c>blocked</c> (temporary, a block by the receiver).</summary>
    public string? BounceType { get; init; }

    /// <summary>For <c>bounce</c>: SendGrid's classification (<c>Invalid Address</c>, <c>Reputation</c>, <c>Technical</c>...).</summary>
    public string? BounceClassification { get; init; }

    public string? Reason { get; init; }

    public string? Status { get; init; }

    public int? AsmGroupId { get; init; }

    /// <summary>For <c>open</c>: SendGrid's <c>sg_machine_open</c>, true when a proxy (Apple Mail Privacy Protection) loaded the pixel, not a reader.</summary>
    public bool MachineOpen { get; init; }

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>The custom args sent with the message (SendGrid spreads them over the event's top level).</summary>
    public IReadOnlyDictionary<string, string> CustomArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether, and why, this event means the address must not be mailed again.</summary>
    public SuppressionReason? Suppression => SendGridSuppression.Classify(this);
}

/// <summary>A parsed batch: the events, and how many entries were not events this parser understands.</summary>
public sealed record SendGridEventBatch(IReadOnlyList<SendGridEvent> Events, int Skipped);

/// <summary>Which events suppress an address.</summary>
public static class SendGridSuppression
{
    /// <summary>
    /// A permanent bounce (event <c>bounce</c> of type <c>bounce</c>; type <c>blocked</c> is a
    /// receiver's temporary block and the address stays), a drop because the address bounced before
    /// or is invalid, a spam report, an unsubscribe or a group unsubscribe. A drop because the
    /// address is on SendGrid's own unsubscribe or spam-report list is mirrored as that reason, so
    /// our list agrees with SendGrid's. Anything else (delivered, deferred, opens, clicks, a drop
    /// for a bad SMTPAPI header, which is our fault and not the address's) suppresses nothing.
    /// </summary>
    public static SuppressionReason? Classify(SendGridEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Event.ToLowerInvariant())
        {
            case "bounce":
                return string.Equals(e.BounceType, "bounce", StringComparison.OrdinalIgnoreCase) ? SuppressionReason.HardBounce : null;
            case "spamreport":
                return SuppressionReason.SpamReport;
            case "unsubscribe":
                return SuppressionReason.Unsubscribe;
            case "group_unsubscribe":
                return SuppressionReason.GroupUnsubscribe;
            case "dropped":
                var reason = e.Reason ?? "";
                if (reason.Contains("bounce", StringComparison.OrdinalIgnoreCase))
                {
                    return SuppressionReason.HardBounce;
                }

                if (reason.Contains("smtpapi", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                if (reason.Contains("invalid", StringComparison.OrdinalIgnoreCase))
                {
                    return SuppressionReason.InvalidAddress;
                }

                if (reason.Contains("unsubscribed", StringComparison.OrdinalIgnoreCase))
                {
                    return SuppressionReason.Unsubscribe;
                }

                return reason.Contains("spam reporting", StringComparison.OrdinalIgnoreCase) ? SuppressionReason.SpamReport : null;
            default:
                return null;
        }
    }
}

/// <summary>Reads the JSON array SendGrid posts to the Event Webhook.</summary>
public static class SendGridEventParser
{
    /// <summary>SendGrid batches far fewer; more than this is not SendGrid.</summary>
    public const int DefaultMaximumEvents = 10_000;

    /// <summary>Fields SendGrid itself sets; every other top-level string, number or boolean is a custom arg.</summary>
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "email", "timestamp", "event", "sg_event_id", "sg_message_id", "smtp-id", "category", "type", "reason",
        "status", "response", "attempt", "bounce_classification", "tls", "ip", "useragent", "url", "url_offset",
        "asm_group_id", "marketing_campaign_id", "marketing_campaign_name", "marketing_campaign_version",
        "marketing_campaign_split_id", "pool", "cert_err", "sg_machine_open", "sg_content_type", "sg_template_id",
        "sg_template_name", "singlesend_id", "singlesend_name", "send_at", "template_id", "template_name",
        "template_version_id", "phase_id", "post_type", "unique_args", "custom_args",
    };

    /// <summary>
    /// The events of a batch. Entries that are not objects or lack <c>event</c>, <c>email</c> or a
    /// numeric <c>timestamp</c> are counted in <see cref="SendGridEventBatch.Skipped"/>, not thrown
    /// on, so one odd event does not make SendGrid retry the whole batch.
    /// </summary>
    /// <exception cref="FormatException">The body is not JSON, not an array, or has too many entries.</exception>
    public static SendGridEventBatch Parse(ReadOnlySpan<byte> json, int maximumEvents = DefaultMaximumEvents)
    {
        try
        {
            return ParseDocument(json, maximumEvents);
        }
        catch (InvalidOperationException e)
        {
            // Valid JSON whose strings are not text (invalid UTF-8, half a surrogate pair): found by fuzzing.
            throw new FormatException($"The webhook body has a string that is not valid Unicode text: {e.Message}", e);
        }
    }

    private static SendGridEventBatch ParseDocument(ReadOnlySpan<byte> json, int maximumEvents)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        JsonDocument document;
        try
        {
            if (!JsonDocument.TryParseValue(ref reader, out var parsed))
            {
                throw new FormatException("The webhook body is empty.");
            }

            document = parsed;
        }
        catch (JsonException e)
        {
            throw new FormatException($"The webhook body is not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("The webhook body is not a JSON array of events.");
            }

            if (root.GetArrayLength() > maximumEvents)
            {
                throw new FormatException($"The webhook body has {root.GetArrayLength()} events, more than {maximumEvents}.");
            }

            var events = new List<SendGridEvent>(root.GetArrayLength());
            var skipped = 0;
            foreach (var item in root.EnumerateArray())
            {
                if (ReadIsolated(item) is { } e)
                {
                    events.Add(e);
                }
                else
                {
                    skipped++;
                }
            }

            return new SendGridEventBatch(events, skipped);
        }
    }

    /// <summary>One event, or null (skipped) when reading it throws: one odd event never costs the batch.</summary>
    private static SendGridEvent? ReadIsolated(JsonElement item)
    {
        try
        {
            return Read(item);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
        {
            return null;
        }
    }

    private static SendGridEvent? Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object
            || String(item, "event") is not { Length: > 0 } name
            || String(item, "email") is not { Length: > 0 } email
            || !item.TryGetProperty("timestamp", out var ts) || ts.ValueKind != JsonValueKind.Number
            || !ts.TryGetDouble(out var seconds) || seconds is < 0 or > 253402300799)
        {
            return null;
        }

        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            if (property.Name is "unique_args" or "custom_args" && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var nested in property.Value.EnumerateObject())
                {
                    if (Scalar(nested.Value) is { } value)
                    {
                        custom[nested.Name] = value;
                    }
                }
            }
            else if (!KnownFields.Contains(property.Name) && Scalar(property.Value) is { } value)
            {
                custom[property.Name] = value;
            }
        }

        int? group = item.TryGetProperty("asm_group_id", out var g) && g.ValueKind == JsonValueKind.Number && g.TryGetInt32(out var id) ? id : null;
        return new SendGridEvent
        {
            EventId = String(item, "sg_event_id"),
            Event = name,
            Email = email.Trim(),
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)),
            MessageId = String(item, "sg_message_id"),
            BounceType = String(item, "type"),
            BounceClassification = String(item, "bounce_classification"),
            Reason = String(item, "reason"),
            Status = String(item, "status"),
            AsmGroupId = group,
            MachineOpen = item.TryGetProperty("sg_machine_open", out var machine) && (machine.ValueKind == JsonValueKind.True || (machine.ValueKind == JsonValueKind.String && machine.GetString() == "true")),
            Categories = Categories(item),
            CustomArgs = custom,
        };
    }

    private static List<string> Categories(JsonElement item)
    {
        if (!item.TryGetProperty("category", out var category))
        {
            return [];
        }

        return category.ValueKind switch
        {
            JsonValueKind.String => [category.GetString()!],
            JsonValueKind.Array => [.. category.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!)],
            _ => [],
        };
    }

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? Scalar(value) : null;

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
