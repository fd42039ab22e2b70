using System.Security.Cryptography;
using System.Text;
using Syndication.Core.Newsletters;

namespace Syndication.Pipeline;

/// <summary>
/// The newsletter's secrets and mail settings (<c>Syndication:Newsletter</c>, beside
/// <see cref="NewsletterOptions"/>): in Azure they are Key Vault references in app settings, never
/// values in the repository. On development storage (Azurite) without a SendGrid key, missing keys
/// fall back to fixed, public development keys, so that a laptop and the tests work with no setup;
/// anywhere else, and whenever a SendGrid key is set (real mail), a missing key stops the app at start.
/// </summary>
public sealed class NewsletterKeys
{
    /// <summary>Token signing keys by key id, base64, at least 32 bytes each (<c>Syndication__Newsletter__TokenKeys__k1</c>).</summary>
    public Dictionary<string, string> TokenKeys { get; set; } = [];

    /// <summary>
    /// The whole ring as one secret (<c>Syndication__Newsletter__TokenSigningKey</c>, the Key Vault
    /// secret <c>TokenSigningKey</c>): <c>kid:base64</c> entries separated by commas, the first one
    /// current, e.g. <c>k2:AAA...,k1:BBB...</c>. Rotating a key is writing a new version with a new first entry.
    /// </summary>
    public string TokenSigningKey { get; set; } = "";

    /// <summary>The key id new tokens are signed with; older ids keep verifying old links.</summary>
    public string CurrentTokenKey { get; set; } = "";

    /// <summary>Base64, at least 32 bytes: derives subscriber ids from addresses. Never change it: ids (and suppressions) hang on it.</summary>
    public string SubscriberIdKey { get; set; } = "";

    /// <summary>SendGrid API key; empty: every email is written to the outbox instead.</summary>
    public string SendGridApiKey { get; set; } = "";

    /// <summary>SendGrid's API base (tests point it at a loopback server).</summary>
    public string SendGridHost { get; set; } = "https://api.sendgrid.com";

    /// <summary>The Event Webhook's verification key (base64 SubjectPublicKeyInfo of SendGrid's P-256 key); empty: the webhook refuses every request.</summary>
    public string WebhookVerificationKey { get; set; } = "";

    /// <summary>A local folder for the outbox instead of the <c>outbox</c> container (the CLI's default).</summary>
    public string OutboxFolder { get; set; } = "";

    /// <summary>Set by the composition: development storage, where fixed development keys may stand in.</summary>
    internal bool DevelopmentStorage { get; set; }

    public bool UsesDevelopmentKeys => DevelopmentStorage && SendGridApiKey.Length == 0 && (ConfiguredTokenKeys.Count == 0 || SubscriberIdKey.Length == 0);

    /// <summary>The token keys with a value (an empty one, as the sample settings have, counts as not configured), the ring's first.</summary>
    private Dictionary<string, string> ConfiguredTokenKeys
    {
        get
        {
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in TokenSigningKey.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var colon = entry.IndexOf(':', StringComparison.Ordinal);
                // Base64 has no ':', so a bare key (as the azd hook generates it) is unambiguous: it gets the id k1.
                keys[colon > 0 ? entry[..colon] : "k1"] = colon > 0 ? entry[(colon + 1)..] : entry;
            }

            foreach (var (id, key) in TokenKeys.Where(k => !string.IsNullOrWhiteSpace(k.Value)))
            {
                keys[id] = key;
            }

            return keys;
        }
    }

    /// <summary>The current key id: CurrentTokenKey, else the ring's first, else the last id in order.</summary>
    private string CurrentKeyId(Dictionary<string, string> keys) =>
        CurrentTokenKey.Length > 0 ? CurrentTokenKey
        : TokenSigningKey.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { Length: > 0 } first
            ? (first.Contains(':', StringComparison.Ordinal) ? first[..first.IndexOf(':', StringComparison.Ordinal)] : "k1")
        : keys.Keys.Order(StringComparer.Ordinal).Last();

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ConfiguredTokenKeys.Count == 0 && !DevelopmentStorage)
        {
            errors.Add("Syndication:Newsletter:TokenSigningKey (kid:base64,...) or TokenKeys must hold at least one base64 key of 32 bytes or more (a Key Vault reference in Azure).");
        }
        else if (ConfiguredTokenKeys.Count > 0)
        {
            try
            {
                _ = KeyRing();
            }
            catch (ArgumentException ex)
            {
                errors.Add($"Syndication:Newsletter:TokenKeys or CurrentTokenKey: {ex.Message}");
            }
        }

        if (SubscriberIdKey.Length == 0 && !DevelopmentStorage)
        {
            errors.Add("Syndication:Newsletter:SubscriberIdKey must be a base64 key of 32 bytes or more (a Key Vault reference in Azure).");
        }
        else if (SubscriberIdKey.Length > 0 && (!TryBase64(SubscriberIdKey, out var idKey) || idKey.Length < TokenKeyRing.MinimumKeyBytes))
        {
            errors.Add($"Syndication:Newsletter:SubscriberIdKey must be base64 of at least {TokenKeyRing.MinimumKeyBytes} bytes.");
        }

        // The development keys are public: mail signed with them could be forged by anyone. Real mail never is.
        if (SendGridApiKey.Length > 0 && ConfiguredTokenKeys.Count == 0)
        {
            errors.Add("Syndication:Newsletter:SendGridApiKey is set, so real mail would be sent, but no TokenSigningKey (or TokenKeys) is: the public development keys never sign real mail. Set the key (a Key Vault reference in Azure), or remove the SendGrid key to write mail to the outbox.");
        }

        if (SendGridApiKey.Length > 0 && SubscriberIdKey.Length == 0)
        {
            errors.Add("Syndication:Newsletter:SendGridApiKey is set, so real mail would be sent, but no SubscriberIdKey is: the public development key never derives real subscribers' ids. Set the key (a Key Vault reference in Azure), or remove the SendGrid key to write mail to the outbox.");
        }

        if (!Uri.TryCreate(SendGridHost, UriKind.Absolute, out var host) || host.Scheme is not ("https" or "http"))
        {
            errors.Add($"Syndication:Newsletter:SendGridHost must be an absolute http(s) URL, not '{SendGridHost}'.");
        }

        if (WebhookVerificationKey.Length > 0)
        {
            try
            {
                _ = new SendGridEventVerifier(WebhookVerificationKey, TimeProvider.System);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"Syndication:Newsletter:WebhookVerificationKey: {ex.Message}");
            }
        }

        return errors;
    }

    public TokenKeyRing KeyRing()
    {
        var keys = ConfiguredTokenKeys;
        if (keys.Count == 0)
        {
            RefuseDevelopmentKeysForRealMail();
            return new TokenKeyRing("dev", new Dictionary<string, byte[]> { ["dev"] = DevelopmentKey("token") });
        }

        return TokenKeyRing.FromBase64(CurrentKeyId(keys), keys);
    }

    public SubscriberIds SubscriberIds()
    {
        if (SubscriberIdKey.Length > 0)
        {
            return new(Convert.FromBase64String(SubscriberIdKey));
        }

        RefuseDevelopmentKeysForRealMail();
        return new(DevelopmentKey("subscriber-id"));
    }

    /// <summary>Validation names this at start; this is the second lock, for a composition that skipped it.</summary>
    private void RefuseDevelopmentKeysForRealMail()
    {
        if (SendGridApiKey.Length > 0)
        {
            throw new InvalidOperationException("A SendGrid key is configured: the public development keys never sign or identify real mail.");
        }
    }

    /// <summary>A fixed key anyone can compute from this source: for development storage only.</summary>
    private static byte[] DevelopmentKey(string purpose) => SHA256.HashData(Encoding.UTF8.GetBytes("syndication development key, not a secret: " + purpose));

    private static bool TryBase64(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
