using System.Globalization;
using System.Text;

namespace Syndication.Core.Newsletters;

/// <summary>
/// One message to many recipients, as SendGrid takes it: the subject and bodies are shared and
/// hold substitution tags, and each recipient brings the values of those tags, their own headers
/// (<c>List-Unsubscribe</c>) and custom args (opaque ids only). A transport either sends it as it
/// is (SendGrid personalizations) or fills the tags itself (the outbox).
/// </summary>
public sealed record MailBatch
{
    /// <summary>Unique within the issue; names the batch in the ledger, logs and outbox files.</summary>
    public required string BatchId { get; init; }

    /// <summary>Where the outbox files it (<c>india/2026-11-25</c>, <c>confirm</c>): a path of safe segments.</summary>
    public required string Folder { get; init; }

    public required string FromAddress { get; init; }

    public string? FromName { get; init; }

    public required string Subject { get; init; }

    public required string Html { get; init; }

    public required string Text { get; init; }

    public required IReadOnlyList<MailRecipient> Recipients { get; init; }
}

/// <summary>One recipient of a <see cref="MailBatch"/>.</summary>
public sealed record MailRecipient
{
    public required string Address { get; init; }

    public string? Name { get; init; }

    /// <summary>The opaque subscriber id, for the ledger and outbox file names; never sent as data about the person.</summary>
    public required string SubscriberId { get; init; }

    /// <summary>Tag → value; the values are already encoded for where their tags stand.</summary>
    public IReadOnlyDictionary<string, string> Substitutions { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> CustomArgs { get; init; } = new Dictionary<string, string>();
}

/// <summary>A batch's recipient with every tag filled: the email exactly as that person gets it.</summary>
public sealed record PersonalMessage(MailRecipient Recipient, string Subject, string Html, string Text);

public static class MailBatches
{
    /// <summary>The batch's email for one of its recipients, with the tags replaced by their values.</summary>
    public static PersonalMessage Personal(MailBatch batch, MailRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(recipient);
        var html = batch.Html;
        var text = batch.Text;
        var subject = batch.Subject;
        foreach (var (tag, value) in recipient.Substitutions)
        {
            html = html.Replace(tag, value, StringComparison.Ordinal);
            text = text.Replace(tag, value, StringComparison.Ordinal);
            subject = subject.Replace(tag, value, StringComparison.Ordinal);
        }

        return new PersonalMessage(recipient, subject, html, text);
    }
}

/// <summary>
/// Writes an email as an RFC 5322 message (<c>.eml</c>): multipart/alternative with the plain text
/// first and the HTML last, both base64 UTF-8, non-ASCII header text as RFC 2047 encoded words.
/// Every mail program opens it, which is what the local outbox is for.
/// </summary>
public static class EmlWriter
{
    public static string Write(PersonalMessage message, string fromAddress, string? fromName, DateTimeOffset date, string messageId)
    {
        ArgumentNullException.ThrowIfNull(message);
        var boundary = "=_syndication_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(messageId)).AsSpan(0, 12));
        var builder = new StringBuilder(message.Html.Length * 4 / 3 + message.Text.Length * 4 / 3 + 2048);
        Header(builder, "From", Mailbox(fromAddress, fromName));
        Header(builder, "To", Mailbox(message.Recipient.Address, message.Recipient.Name));
        Header(builder, "Subject", Encoded(message.Subject));
        Header(builder, "Date", date.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + date.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal));
        Header(builder, "Message-ID", $"<{messageId}>");
        Header(builder, "MIME-Version", "1.0");
        foreach (var (name, value) in message.Recipient.Headers)
        {
            Header(builder, name, MailText.SingleLine(value));
        }

        foreach (var (name, value) in message.Recipient.CustomArgs)
        {
            Header(builder, "X-Custom-Arg-" + name, MailText.SingleLine(value));
        }

        Header(builder, "Content-Type", $"multipart/alternative; boundary=\"{boundary}\"");
        builder.Append("\r\n");
        Part(builder, boundary, "text/plain; charset=utf-8", message.Text);
        Part(builder, boundary, "text/html; charset=utf-8", message.Html);
        builder.Append("--").Append(boundary).Append("--\r\n");
        return builder.ToString();
    }

    private static void Header(StringBuilder builder, string name, string value) =>
        builder.Append(name).Append(": ").Append(MailText.SingleLine(value)).Append("\r\n");

    /// <summary>A display name of letters, digits and spaces goes as it is; any other, encoded, so no special can break the address.</summary>
    private static string Mailbox(string address, string? name) =>
        string.IsNullOrWhiteSpace(name) ? address
        : name.All(c => char.IsAsciiLetterOrDigit(c) || c == ' ') ? $"{name} <{address}>"
        : $"{EncodedWords(MailText.SingleLine(name))} <{address}>";

    /// <summary>ASCII as it is (quoted when it has specials); anything else as one or more RFC 2047 base64 words.</summary>
    private static string Encoded(string value)
    {
        value = MailText.SingleLine(value);
        if (value.All(c => c is >= ' ' and <= '~'))
        {
            return value;
        }

        return EncodedWords(value);
    }

    private static string EncodedWords(string value)
    {
        var words = new List<string>();
        var bytes = Encoding.UTF8.GetBytes(value);
        var start = 0;
        while (start < bytes.Length)
        {
            // At most 45 bytes per word (60 base64 characters), cut before a UTF-8 continuation byte.
            var end = Math.Min(bytes.Length, start + 45);
            while (end < bytes.Length && (bytes[end] & 0xC0) == 0x80)
            {
                end--;
            }

            words.Add("=?utf-8?B?" + Convert.ToBase64String(bytes, start, end - start) + "?=");
            start = end;
        }

        return string.Join(' ', words);
    }

    private static void Part(StringBuilder builder, string boundary, string contentType, string body)
    {
        builder.Append("--").Append(boundary).Append("\r\n");
        builder.Append("Content-Type: ").Append(contentType).Append("\r\n");
        builder.Append("Content-Transfer-Encoding: base64\r\n\r\n");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(body));
        for (var i = 0; i < encoded.Length; i += 76)
        {
            builder.Append(encoded.AsSpan(i, Math.Min(76, encoded.Length - i))).Append("\r\n");
        }
    }
}
