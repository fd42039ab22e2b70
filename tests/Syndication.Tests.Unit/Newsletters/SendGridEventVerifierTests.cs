using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

public sealed class SendGridEventVerifierTests : IDisposable
{
    /// <summary>A batch as SendGrid posts it: one event of each kind the newsletter cares about, with our custom args.</summary>
    internal const string Batch = """
        [
          {"email":"priya.nair@example.com","timestamp":1795590000,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"delivered","category":["digest","india"],"sg_event_id":"ZGVsaXZlcmVkLTAtMTIzNDU2","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0","response":"250 OK","tls":1,"issue":"india/2026-11-25","subscriber":"3f2a9c0e4b1d7a6859e0c3b2a1f4d5e6"},
          {"email":"old.reader@example.org","timestamp":1795590012,"event":"bounce","type":"bounce","bounce_classification":"Invalid Address","reason":"550 5.1.1 The email account that you tried to reach does not exist.","status":"5.1.1","sg_event_id":"Ym91bmNlLTEtMTIzNDU2","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.1","issue":"india/2026-11-25","subscriber":"0000000000000000000000000000000b"},
          {"email":"busy.reader@example.net","timestamp":1795590013,"event":"bounce","type":"blocked","bounce_classification":"Reputation","reason":"421 4.7.0 Try again later","status":"4.7.0","sg_event_id":"YmxvY2tlZC0yLTEyMzQ1Ng","issue":"india/2026-11-25","subscriber":"0000000000000000000000000000000c"},
          {"email":"gone@example.com","timestamp":1795590014,"event":"dropped","reason":"Bounced Address","sg_event_id":"ZHJvcHBlZC0zLTEyMzQ1Ng","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.3","issue":"india/2026-11-25","subscriber":"0000000000000000000000000000000d"},
          {"email":"not-really@example","timestamp":1795590015,"event":"dropped","reason":"Invalid","sg_event_id":"ZHJvcHBlZC00LTEyMzQ1Ng"},
          {"email":"someone@example.com","timestamp":1795590016,"event":"dropped","reason":"Invalid SMTPAPI header","sg_event_id":"ZHJvcHBlZC01LTEyMzQ1Ng"},
          {"email":"annoyed@example.org","timestamp":1795590020,"event":"spamreport","sg_event_id":"c3BhbXJlcG9ydC02LTEyMzQ1Ng","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.6","issue":"india/2026-11-25","subscriber":"0000000000000000000000000000000e"},
          {"email":"leaving@example.net","timestamp":1795590030,"event":"unsubscribe","sg_event_id":"dW5zdWJzY3JpYmUtNy0xMjM0NTY","issue":"india/2026-11-25","subscriber":"0000000000000000000000000000000f"},
          {"email":"group.leaver@example.com","timestamp":1795590040,"event":"group_unsubscribe","asm_group_id":42,"useragent":"Mozilla/5.0","ip":"192.0.2.10","url":"https://news.example.com/newsletter/u/x","sg_event_id":"Z3JvdXAtdW5zdWItOC0xMjM0NTY","unique_args":{"campaign":"winter"}},
          {"email":"reader@example.com","timestamp":1795590050,"event":"open","sg_machine_open":false,"sg_event_id":"b3Blbi05LTEyMzQ1Ng","useragent":"Mozilla/5.0","ip":"192.0.2.11"}
        ]
        """;

    private readonly ECDsa _sendGridKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(1795590100));

    public void Dispose() => _sendGridKey.Dispose();

    private string PublicKey => Convert.ToBase64String(_sendGridKey.ExportSubjectPublicKeyInfo());

    private SendGridEventVerifier Verifier(TimeSpan? tolerance = null) => new(PublicKey, _clock, tolerance);

    /// <summary>What SendGrid does: sign timestamp + body with its private key, DER-encoded, base64 in a header.</summary>
    private static (string Signature, string Timestamp) Sign(ECDsa key, DateTimeOffset at, byte[] body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var payload = Encoding.UTF8.GetBytes(timestamp).Concat(body).ToArray();
        var signature = key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return (Convert.ToBase64String(signature), timestamp);
    }

    [Fact]
    public void A_batch_signed_by_sendgrid_verifies()
    {
        var body = Encoding.UTF8.GetBytes(Batch);
        var (signature, timestamp) = Sign(_sendGridKey, _clock.GetUtcNow().AddSeconds(-5), body);

        Assert.Equal(WebhookVerification.Valid, Verifier().Verify(signature, timestamp, body));
    }

    [Fact]
    public void A_pem_public_key_is_accepted_too()
    {
        var body = Encoding.UTF8.GetBytes(Batch);
        var (signature, timestamp) = Sign(_sendGridKey, _clock.GetUtcNow(), body);

        Assert.Equal(WebhookVerification.Valid, new SendGridEventVerifier(_sendGridKey.ExportSubjectPublicKeyInfoPem(), _clock).Verify(signature, timestamp, body));
    }

    [Fact]
    public void A_tampered_body_is_refused()
    {
        var body = Encoding.UTF8.GetBytes(Batch);
        var (signature, timestamp) = Sign(_sendGridKey, _clock.GetUtcNow(), body);
        var tampered = Encoding.UTF8.GetBytes(Batch.Replace("\"event\":\"open\"", "\"event\":\"spamreport\"", StringComparison.Ordinal));
        var reformatted = Encoding.UTF8.GetBytes(Batch.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal(WebhookVerification.BadSignature, Verifier().Verify(signature, timestamp, tampered));
        Assert.Equal(WebhookVerification.BadSignature, Verifier().Verify(signature, timestamp, reformatted));
        Assert.Equal(WebhookVerification.BadSignature, Verifier().Verify(signature, timestamp, body.AsSpan(0, body.Length - 1)));
    }

    [Fact]
    public void A_batch_signed_with_another_key_is_refused()
    {
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = Encoding.UTF8.GetBytes(Batch);
        var (signature, timestamp) = Sign(attacker, _clock.GetUtcNow(), body);

        Assert.Equal(WebhookVerification.BadSignature, Verifier().Verify(signature, timestamp, body));
    }

    [Fact]
    public void A_signature_moved_to_another_timestamp_is_refused()
    {
        var body = Encoding.UTF8.GetBytes(Batch);
        var (signature, timestamp) = Sign(_sendGridKey, _clock.GetUtcNow().AddMinutes(-1), body);
        var later = (long.Parse(timestamp, CultureInfo.InvariantCulture) + 30).ToString(CultureInfo.InvariantCulture);

        Assert.Equal(WebhookVerification.BadSignature, Verifier().Verify(signature, later, body));
    }

    [Fact]
    public void An_old_signature_is_refused_as_a_replay_and_so_is_one_from_the_future()
    {
        var body = Encoding.UTF8.GetBytes(Batch);
        var (old, oldTimestamp) = Sign(_sendGridKey, _clock.GetUtcNow().AddMinutes(-11), body);
        var (recent, recentTimestamp) = Sign(_sendGridKey, _clock.GetUtcNow().AddMinutes(-9), body);
        var (future, futureTimestamp) = Sign(_sendGridKey, _clock.GetUtcNow().AddMinutes(11), body);

        Assert.Equal(WebhookVerification.StaleTimestamp, Verifier().Verify(old, oldTimestamp, body));
        Assert.Equal(WebhookVerification.Valid, Verifier().Verify(recent, recentTimestamp, body));
        Assert.Equal(WebhookVerification.StaleTimestamp, Verifier().Verify(future, futureTimestamp, body));
        Assert.Equal(WebhookVerification.Valid, Verifier(TimeSpan.FromMinutes(15)).Verify(old, oldTimestamp, body));
    }

    [Theory]
    [InlineData(null, "1795590100", WebhookVerification.MissingHeaders)]
    [InlineData("MEUCIQ==", null, WebhookVerification.MissingHeaders)]
    [InlineData("", "", WebhookVerification.MissingHeaders)]
    [InlineData("MEUCIQ==", "soon", WebhookVerification.MalformedTimestamp)]
    [InlineData("MEUCIQ==", "-1795590100", WebhookVerification.MalformedTimestamp)]
    [InlineData("MEUCIQ==", "1795590100.5", WebhookVerification.MalformedTimestamp)]
    [InlineData("MEUCIQ==", "99999999999999999999", WebhookVerification.MalformedTimestamp)]
    [InlineData("not base64!", "1795590100", WebhookVerification.MalformedSignature)]
    [InlineData("AAAA", "1795590100", WebhookVerification.BadSignature)]
    public void Missing_or_malformed_headers_are_refused(string? signature, string? timestamp, WebhookVerification expected)
    {
        Assert.Equal(expected, Verifier().Verify(signature, timestamp, Encoding.UTF8.GetBytes(Batch)));
    }

    [Fact]
    public void A_key_that_is_not_an_ec_p256_public_key_fails_at_start_up()
    {
        using var rsa = RSA.Create(2048);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<ArgumentException>(() => new SendGridEventVerifier("bm90IGEga2V5", _clock));
        Assert.Throws<ArgumentException>(() => new SendGridEventVerifier(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()), _clock));
        Assert.Throws<ArgumentException>(() => new SendGridEventVerifier(Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo()), _clock));
        Assert.Throws<ArgumentException>(() => new SendGridEventVerifier("", _clock));
    }

    [Fact]
    public void The_header_names_are_sendgrids()
    {
        Assert.Equal("X-Twilio-Email-Event-Webhook-Signature", SendGridEventVerifier.SignatureHeader);
        Assert.Equal("X-Twilio-Email-Event-Webhook-Timestamp", SendGridEventVerifier.TimestampHeader);
    }
}

public sealed class SendGridEventParserTests
{
    private static SendGridEventBatch Parse(string json) => SendGridEventParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Reads_every_event_with_its_fields_and_custom_args()
    {
        var batch = Parse(SendGridEventVerifierTests.Batch);

        Assert.Equal(10, batch.Events.Count);
        Assert.Equal(0, batch.Skipped);
        var delivered = batch.Events[0];
        Assert.Equal("delivered", delivered.Event);
        Assert.Equal("ZGVsaXZlcmVkLTAtMTIzNDU2", delivered.EventId);
        Assert.Equal("priya.nair@example.com", delivered.Email);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795590000), delivered.Timestamp);
        Assert.Equal(["digest", "india"], delivered.Categories);
        Assert.Equal("india/2026-11-25", delivered.CustomArgs["issue"]);
        Assert.Equal("3f2a9c0e4b1d7a6859e0c3b2a1f4d5e6", delivered.CustomArgs["subscriber"]);
        Assert.False(delivered.CustomArgs.ContainsKey("tls"));
        Assert.False(delivered.CustomArgs.ContainsKey("response"));

        var bounce = batch.Events[1];
        Assert.Equal("bounce", bounce.BounceType);
        Assert.Equal("Invalid Address", bounce.BounceClassification);
        Assert.Equal("5.1.1", bounce.Status);
        Assert.StartsWith("550 5.1.1", bounce.Reason, StringComparison.Ordinal);

        var group = batch.Events[8];
        Assert.Equal(42, group.AsmGroupId);
        Assert.Equal("winter", group.CustomArgs["campaign"]);
        Assert.False(group.CustomArgs.ContainsKey("ip"));
    }

    [Fact]
    public void Hard_bounces_drops_of_bad_addresses_spam_reports_and_unsubscribes_suppress_and_nothing_else_does()
    {
        var suppressions = Parse(SendGridEventVerifierTests.Batch).Events.ToDictionary(e => e.Email, e => e.Suppression);

        Assert.Null(suppressions["priya.nair@example.com"]);
        Assert.Equal(SuppressionReason.HardBounce, suppressions["old.reader@example.org"]);
        Assert.Null(suppressions["busy.reader@example.net"]);
        Assert.Equal(SuppressionReason.HardBounce, suppressions["gone@example.com"]);
        Assert.Equal(SuppressionReason.InvalidAddress, suppressions["not-really@example"]);
        Assert.Null(suppressions["someone@example.com"]);
        Assert.Equal(SuppressionReason.SpamReport, suppressions["annoyed@example.org"]);
        Assert.Equal(SuppressionReason.Unsubscribe, suppressions["leaving@example.net"]);
        Assert.Equal(SuppressionReason.GroupUnsubscribe, suppressions["group.leaver@example.com"]);
        Assert.Null(suppressions["reader@example.com"]);
    }

    [Theory]
    [InlineData("Unsubscribed Address", SuppressionReason.Unsubscribe)]
    [InlineData("Spam Reporting Address", SuppressionReason.SpamReport)]
    [InlineData("Bounced Address", SuppressionReason.HardBounce)]
    [InlineData("Invalid", SuppressionReason.InvalidAddress)]
    [InlineData("Invalid SMTPAPI header", null)]
    [InlineData("Spam Content (if spam checker app is enabled)", null)]
    public void Drops_suppress_by_their_reason(string reason, SuppressionReason? expected)
    {
        var e = new SendGridEvent { Event = "dropped", Email = "a@example.com", Timestamp = DateTimeOffset.UnixEpoch, Reason = reason };

        Assert.Equal(expected, e.Suppression);
    }

    [Theory]
    [InlineData("processed")]
    [InlineData("deferred")]
    [InlineData("delivered")]
    [InlineData("open")]
    [InlineData("click")]
    [InlineData("group_resubscribe")]
    public void Delivery_and_engagement_events_suppress_nothing(string name)
    {
        Assert.Null(new SendGridEvent { Event = name, Email = "a@example.com", Timestamp = DateTimeOffset.UnixEpoch }.Suppression);
    }

    [Fact]
    public void Entries_without_event_email_or_timestamp_are_skipped_not_thrown_on()
    {
        var batch = Parse("""
            [
              {"email":"a@example.com","timestamp":1795590000,"event":"delivered"},
              {"email":"b@example.com","event":"delivered"},
              {"timestamp":1795590000,"event":"delivered"},
              {"email":"c@example.com","timestamp":"yesterday","event":"delivered"},
              {"email":"d@example.com","timestamp":1795590000},
              42,
              "text"
            ]
            """);

        Assert.Single(batch.Events);
        Assert.Equal(6, batch.Skipped);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"event\":\"bounce\"}")]
    [InlineData("[{\"email\":")]
    public void A_body_that_is_not_a_json_array_is_a_format_error(string json)
    {
        Assert.Throws<FormatException>(() => Parse(json));
    }

    [Fact]
    public void Too_many_events_are_refused()
    {
        var json = "[" + string.Join(",", Enumerable.Repeat("{}", 11)) + "]";

        Assert.Throws<FormatException>(() => SendGridEventParser.Parse(Encoding.UTF8.GetBytes(json), maximumEvents: 10));
    }
}
