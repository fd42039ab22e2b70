using System.Text;
using MimeKit;
using Syndication.Core.Newsletters;

namespace Syndication.Tests.Unit.Newsletters;

public sealed class EmlWriterTests
{
    private static readonly DateTimeOffset Date = new(2026, 11, 25, 6, 0, 0, TimeSpan.Zero);

    private static PersonalMessage Message(string subject, string? name, IReadOnlyDictionary<string, string>? headers = null) =>
        new(
            new MailRecipient { Address = "asha@example.com", Name = name, SubscriberId = "s1", Headers = headers ?? new Dictionary<string, string>() },
            subject,
            "<p>Héllo, <a href=\"https://news.example/x\">read</a></p>",
            "Héllo, read https://news.example/x");

    [Fact]
    public void A_long_non_ASCII_subject_and_display_name_are_encoded_folded_and_read_back_exactly()
    {
        var subject = string.Concat(Enumerable.Repeat("नमस्ते दुनिया — Grüße aus München, 東京のニュース ", 12)).Trim();
        var name = string.Concat(Enumerable.Repeat("Ásha Ñúñez-Chatterjee «Leserin» 読者 ", 6)).Trim();
        Assert.True(Encoding.UTF8.GetByteCount(subject) > 998); // one unfolded line could not hold it

        var eml = EmlWriter.Write(Message(subject, name), "news@example.com", "Die Zeitung · ニュース", Date, "global.2026-11-25.s1@outbox.syndication");

        Assert.All(eml.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 998, $"a line of {line.Length} characters"));
        Assert.DoesNotContain('\n', eml.Replace("\r\n", "", StringComparison.Ordinal)); // CRLF only, on every platform
        var headers = eml[..eml.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.True(headers.All(char.IsAscii), "every header is 7-bit ASCII (RFC 2047 encoded words)");
        Assert.Contains("Subject: =?utf-8?", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\r\n =?utf-8?", headers, StringComparison.OrdinalIgnoreCase); // folded onto continuation lines

        var parsed = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(eml)));
        Assert.Equal(subject, parsed.Subject);
        var to = Assert.Single(parsed.To.Mailboxes);
        Assert.Equal((name, "asha@example.com"), (to.Name, to.Address));
        var from = Assert.Single(parsed.From.Mailboxes);
        Assert.Equal(("Die Zeitung · ニュース", "news@example.com"), (from.Name, from.Address));
        Assert.Equal("Héllo, read https://news.example/x", parsed.TextBody);
        Assert.Equal("<p>Héllo, <a href=\"https://news.example/x\">read</a></p>", parsed.HtmlBody);
    }

    [Fact]
    public void A_plain_email_keeps_the_shape_the_outbox_readers_rely_on()
    {
        var headers = new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = "<https://news.example/newsletter/u/" + new string('A', 120) + ">, <mailto:unsubscribe@example.com>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        };
        var eml = EmlWriter.Write(Message("Morning briefing", null, headers), "news@example.com", "News", Date, "india.2026-11-25.s1@outbox.syndication");

        Assert.Contains("To: asha@example.com\r\n", eml, StringComparison.Ordinal);
        Assert.Contains("Subject: Morning briefing\r\n", eml, StringComparison.Ordinal);
        Assert.Contains("Date: Wed, 25 Nov 2026 06:00:00 +0000\r\n", eml, StringComparison.Ordinal);
        Assert.Contains("Message-Id: <india.2026-11-25.s1@outbox.syndication>\r\n", eml, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", eml, StringComparison.Ordinal);
        Assert.Contains("Content-Type: multipart/alternative", eml, StringComparison.Ordinal);
        Assert.True(eml.IndexOf("Content-Type: text/plain", StringComparison.Ordinal) < eml.IndexOf("Content-Type: text/html", StringComparison.Ordinal));

        // The first unsubscribe link stays on the header's line, where the one-click readers look for it.
        Assert.Contains("List-Unsubscribe: <https://news.example/newsletter/u/", eml, StringComparison.Ordinal);
        var parsed = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(eml)));
        Assert.Equal(headers["List-Unsubscribe"], parsed.Headers["List-Unsubscribe"]?.Trim());

        // The same email written twice is the same bytes (the boundary comes from the message id).
        Assert.Equal(eml, EmlWriter.Write(Message("Morning briefing", null, headers), "news@example.com", "News", Date, "india.2026-11-25.s1@outbox.syndication"));
    }
}
