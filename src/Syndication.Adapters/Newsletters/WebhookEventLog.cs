using Azure;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;

namespace Syndication.Adapters.Newsletters;

/// <summary>SendGrid event ids already handled: SendGrid posts an event again when it is unsure we got it.</summary>
public sealed class WebhookEventLog(StorageAccount account)
{
    private TableClient Table => account.Table(StorageNames.NewsletterEventsTable);

    /// <summary>Records the event id; false when it was recorded before (a repeat to ignore).</summary>
    public async Task<bool> TryRecordAsync(string eventId, string eventName, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var key = Key(eventId);
        try
        {
            await Table.AddEntityAsync(new TableEntity(key.Length >= 2 ? key[..2] : key, key) { ["Event"] = eventName, ["At"] = at }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Table keys may not hold '/', '\', '#', '?' or control characters; an event id is hashed when it has any, or is long.</summary>
    private static string Key(string eventId) =>
        eventId.Length <= 200 && eventId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' or '+')
            ? eventId
            : "h" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(eventId)));
}
