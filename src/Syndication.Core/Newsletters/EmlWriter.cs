using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Syndication.Core.Newsletters;

/// <summary>
/// Writes an email as an RFC 5322 message (<c>.eml</c>) through MimeKit: multipart/alternative
/// with the plain text first and the HTML last, both base64 UTF-8; non-ASCII header text as
/// RFC 2047 encoded words and long headers folded (RFC 5322's 998-character line limit), which a
/// hand-written writer got wrong. Every mail program opens it, which is what the local outbox is for.
/// </summary>
public static class EmlWriter
{
    /// <summary>CRLF line ends whatever the platform (RFC 5322), and MimeKit's 78-column folding.</summary>
    private static readonly FormatOptions Format = CreateFormat();

    private static readonly FormatOptions LinkHeaderFormat = CreateLinkHeaderFormat();

    public static string Write(PersonalMessage message, string fromAddress, string? fromName, DateTimeOffset date, string messageId)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mime = new MimeMessage
        {
            Subject = MailText.SingleLine(message.Subject),
            Date = date,
            MessageId = messageId,
        };
        mime.From.Add(new MailboxAddress(Name(fromName), fromAddress));
        mime.To.Add(new MailboxAddress(Name(message.Recipient.Name), message.Recipient.Address));
        foreach (var (name, value) in message.Recipient.Headers)
        {
            mime.Headers.Add(Unfolded(name, value));
        }

        foreach (var (name, value) in message.Recipient.CustomArgs)
        {
            mime.Headers.Add(Unfolded("X-Custom-Arg-" + name, value));
        }

        var body = new Multipart("alternative") { Part("plain", message.Text), Part("html", message.Html) };

        // Derived from the message id, so the same email written twice is the same bytes.
        body.Boundary = "=_syndication_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)).AsSpan(0, 12));
        mime.Body = body;

        using var stream = new MemoryStream(message.Html.Length * 4 / 3 + message.Text.Length * 4 / 3 + 2048);
        mime.WriteTo(Format, stream);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>
    /// A header of links and ids (<c>List-Unsubscribe</c>, custom args): folded only where a line
    /// would pass RFC 5322's hard limit of 998 characters, not at 78, so the first link stays on
    /// the header's own line, where naive readers (and RFC 2369's advice not to break a URL) look for it.
    /// </summary>
    private static Header Unfolded(string name, string value)
    {
        var header = new Header(name, "");
        header.SetValue(LinkHeaderFormat, Encoding.UTF8, MailText.SingleLine(value));
        return header;
    }

    private static string Name(string? name) => string.IsNullOrWhiteSpace(name) ? "" : MailText.SingleLine(name);

    private static TextPart Part(string subtype, string body)
    {
        var part = new TextPart(subtype) { ContentTransferEncoding = ContentEncoding.Base64 };
        part.SetText(Encoding.UTF8, body);
        return part;
    }

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    private static FormatOptions CreateLinkHeaderFormat()
    {
        var format = CreateFormat();
        format.MaxLineLength = 998;
        return format;
    }
}
