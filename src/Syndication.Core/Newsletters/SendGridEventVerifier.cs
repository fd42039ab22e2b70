using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Syndication.Core.Newsletters;

/// <summary>Why a webhook request was accepted or refused.</summary>
public enum WebhookVerification
{
    Valid,
    MissingHeaders,
    MalformedSignature,
    MalformedTimestamp,

    /// <summary>Signed too long ago (or too far ahead): a replay, or a clock far off.</summary>
    StaleTimestamp,

    /// <summary>Not signed by SendGrid's key over this timestamp and this body.</summary>
    BadSignature,
}

/// <summary>
/// Verifies SendGrid's Signed Event Webhook: an ECDSA P-256 signature with SHA-256, base64 DER,
/// over the timestamp header's text followed by the raw body bytes, checked against the public key
/// shown in SendGrid's mail settings. The body must be the bytes as received, before any JSON
/// parsing. A signature older than the tolerance is refused, so a captured request cannot be
/// replayed later; within it, events are deduplicated by <c>sg_event_id</c> downstream.
/// </summary>
public sealed class SendGridEventVerifier
{
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(10);

    private const int MaximumSignatureLength = 512;
    private readonly byte[] _publicKey;
    private readonly TimeProvider _time;
    private readonly TimeSpan _tolerance;

    /// <param name="publicKey">
    /// The verification key as SendGrid shows it: base64 of the SubjectPublicKeyInfo DER (a PEM
    /// block is accepted too).
    /// </param>
    public SendGridEventVerifier(string publicKey, TimeProvider time, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKey);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _tolerance = tolerance ?? DefaultTolerance;
        if (_tolerance <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), "The timestamp tolerance must be positive.");
        }

        // Imported once here so that a wrong key fails at start-up, not on the first webhook.
        using var ecdsa = ECDsa.Create();
        try
        {
            if (publicKey.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                ecdsa.ImportFromPem(publicKey);
            }
            else
            {
                ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey.Trim()), out _);
            }
        }
        catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
        {
            throw new ArgumentException("The SendGrid webhook verification key is not a base64 SubjectPublicKeyInfo (or PEM) EC public key.", nameof(publicKey), e);
        }

        if (ecdsa.KeySize != 256)
        {
            throw new ArgumentException("The SendGrid webhook verification key must be an ECDSA P-256 key.", nameof(publicKey));
        }

        _publicKey = ecdsa.ExportSubjectPublicKeyInfo();
    }

    /// <summary>
    /// What can be refused from the headers alone (missing, malformed or stale), so a caller can
    /// refuse before it reads a byte of the body; <see cref="WebhookVerification.Valid"/> means only
    /// that the body is worth reading and verifying.
    /// </summary>
    public WebhookVerification CheckHeaders(string? signature, string? timestamp)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp))
        {
            return WebhookVerification.MissingHeaders;
        }

        if (timestamp.Length > 20 || !timestamp.All(char.IsAsciiDigit) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookVerification.MalformedTimestamp;
        }

        if ((_time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > _tolerance)
        {
            return WebhookVerification.StaleTimestamp;
        }

        return signature.Length > MaximumSignatureLength ? WebhookVerification.MalformedSignature : WebhookVerification.Valid;
    }

    public WebhookVerification Verify(string? signature, string? timestamp, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp))
        {
            return WebhookVerification.MissingHeaders;
        }

        if (timestamp.Length > 20 || !timestamp.All(char.IsAsciiDigit) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookVerification.MalformedTimestamp;
        }

        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > _tolerance)
        {
            return WebhookVerification.StaleTimestamp;
        }

        if (signature.Length > MaximumSignatureLength)
        {
            return WebhookVerification.MalformedSignature;
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return WebhookVerification.MalformedSignature;
        }

        var signed = new byte[Encoding.ASCII.GetByteCount(timestamp) + body.Length];
        var prefix = Encoding.ASCII.GetBytes(timestamp, signed);
        body.CopyTo(signed.AsSpan(prefix));

        // A fresh instance per call: ECDsa instances are not documented as thread-safe, and
        // webhook batches are few, so the import costs nothing that matters.
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_publicKey, out _);
        try
        {
            return ecdsa.VerifyData(signed, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                ? WebhookVerification.Valid
                : WebhookVerification.BadSignature;
        }
        catch (CryptographicException)
        {
            // A DER structure that does not parse is as good as a wrong signature.
            return WebhookVerification.BadSignature;
        }
    }
}
