using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Syndication.Core.Newsletters;

/// <summary>What a token lets its bearer do; a token for one purpose is refused for any other.</summary>
public enum TokenPurpose : byte
{
    /// <summary>Confirms a pending subscription (double opt-in); expires.</summary>
    Confirm = 1,

    /// <summary>Unsubscribes; never expires, because a years-old email must still let its reader leave.</summary>
    Unsubscribe = 2,

    /// <summary>Opens the preferences page; never expires, like the unsubscribe link beside it.</summary>
    Preferences = 3,

    /// <summary>Stops breaking-news alerts only (an alert's unsubscribe link); the digest stays. Never expires.</summary>
    UnsubscribeAlerts = 4,
}

/// <summary>Why a token was accepted or refused. Callers show every refusal the same way.</summary>
public enum TokenStatus
{
    Valid,

    /// <summary>Not base64url, too long or too short, or its fields do not parse.</summary>
    Malformed,

    /// <summary>Signed with a key id the ring no longer (or never) had.</summary>
    UnknownKey,

    /// <summary>The signature does not match: tampered with, or forged.</summary>
    BadSignature,

    /// <summary>Genuine, but issued for another purpose (an unsubscribe token used to confirm).</summary>
    WrongPurpose,

    /// <summary>Genuine, but past its expiry.</summary>
    Expired,
}

/// <summary>What a genuine token says.</summary>
/// <param name="SubscriberId">The opaque subscriber id (see <see cref="SubscriberIds"/>), never the address.</param>
/// <param name="ExpiresAt">Null for tokens that never expire.</param>
public sealed record SubscriberToken(TokenPurpose Purpose, string SubscriberId, string KeyId, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt);

/// <summary>The outcome of <see cref="SubscriberTokens.Verify"/>: a status, and the token when it is valid.</summary>
public readonly record struct TokenVerification(TokenStatus Status, SubscriberToken? Token)
{
    public bool IsValid => Status == TokenStatus.Valid;
}

/// <summary>
/// The signing keys of subscriber tokens by key id. Tokens are signed with the current key and
/// verified with whichever key their id names, so a key is rotated by adding a new one, making it
/// current, and removing the old one only when its tokens may go (unsubscribe links in old emails
/// stop working then, which is why an old key is best kept for a long while).
/// </summary>
public sealed class TokenKeyRing
{
    /// <summary>HMAC-SHA256 keys shorter than its output would weaken it.</summary>
    public const int MinimumKeyBytes = 32;

    public const int MaximumKeyIdLength = 16;

    private readonly Dictionary<string, byte[]> _keys;

    public TokenKeyRing(string currentKeyId, IReadOnlyDictionary<string, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(currentKeyId);
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            if (!IsValidKeyId(id))
            {
                throw new ArgumentException($"Token key id '{id}' must be 1 to {MaximumKeyIdLength} ASCII letters or digits.", nameof(keys));
            }

            if (key is null || key.Length < MinimumKeyBytes)
            {
                throw new ArgumentException($"Token key '{id}' must be at least {MinimumKeyBytes} bytes.", nameof(keys));
            }

            // A copy: the caller's array must not be able to change a key after the ring checked it.
            _keys[id] = (byte[])key.Clone();
        }

        if (!_keys.ContainsKey(currentKeyId))
        {
            throw new ArgumentException($"The current token key id '{currentKeyId}' is not in the key ring.", nameof(currentKeyId));
        }

        CurrentKeyId = currentKeyId;
    }

    public string CurrentKeyId { get; }

    public IEnumerable<string> KeyIds => _keys.Keys;

    /// <summary>Builds a ring from configuration, where keys are base64 strings.</summary>
    public static TokenKeyRing FromBase64(string currentKeyId, IReadOnlyDictionary<string, string> base64Keys)
    {
        ArgumentNullException.ThrowIfNull(base64Keys);
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, text) in base64Keys)
        {
            try
            {
                keys[id] = Convert.FromBase64String(text ?? "");
            }
            catch (FormatException)
            {
                throw new ArgumentException($"Token key '{id}' is not base64.", nameof(base64Keys));
            }
        }

        return new TokenKeyRing(currentKeyId, keys);
    }

    internal byte[] CurrentKey => _keys[CurrentKeyId];

    internal bool TryGetKey(string keyId, out byte[] key) => _keys.TryGetValue(keyId, out key!);

    internal static bool IsValidKeyId(string? id) =>
        id is { Length: > 0 and <= MaximumKeyIdLength } && id.All(char.IsAsciiLetterOrDigit);
}

/// <summary>
/// Issues and verifies the tokens in confirm, unsubscribe and preferences links: a few fields and an
/// HMAC-SHA256 over them, as one base64url path segment. The token holds no address, only the
/// opaque subscriber id, and without the key no valid token can be made, so links cannot be
/// guessed or enumerated. Verification checks the signature (in constant time) before it believes
/// any field.
/// </summary>
/// <remarks>
/// Layout, all integers big-endian: version (1 byte), purpose (1), key id length k (1), key id (k
/// ASCII bytes), issued-at (8, Unix seconds), expires-at (8, Unix seconds, 0 = never), subscriber
/// id length n (1), subscriber id (n ASCII bytes), then the 32-byte HMAC of everything before it.
/// </remarks>
public sealed class SubscriberTokens
{
    public static readonly TimeSpan DefaultConfirmLifetime = TimeSpan.FromDays(7);

    /// <summary>Far more than any real token: longer input is refused before it is decoded.</summary>
    public const int MaximumTokenLength = 256;

    public const int MaximumSubscriberIdLength = 64;

    private const byte Version = 1;
    private const int TagBytes = 32;
    private const int FixedBytes = 1 + 1 + 1 + 8 + 8 + 1;
    private const long MaximumUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z, the end of DateTimeOffset

    private readonly TokenKeyRing _keys;
    private readonly TimeProvider _time;
    private readonly TimeSpan _confirmLifetime;

    public SubscriberTokens(TokenKeyRing keys, TimeProvider time, TimeSpan? confirmLifetime = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(time);
        _keys = keys;
        _time = time;
        _confirmLifetime = confirmLifetime ?? DefaultConfirmLifetime;
        if (_confirmLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(confirmLifetime), "The confirm token lifetime must be positive.");
        }
    }

    /// <summary>A new token for <paramref name="subscriberId"/>, signed with the ring's current key.</summary>
    public string Issue(TokenPurpose purpose, string subscriberId)
    {
        if (!Enum.IsDefined(purpose))
        {
            throw new ArgumentOutOfRangeException(nameof(purpose));
        }

        if (!IsValidSubscriberId(subscriberId))
        {
            throw new ArgumentException($"A subscriber id must be 1 to {MaximumSubscriberIdLength} characters of A-Z, a-z, 0-9, '-' and '_'.", nameof(subscriberId));
        }

        var now = _time.GetUtcNow();
        var issuedAt = now.ToUnixTimeSeconds();
        var expiresAt = purpose == TokenPurpose.Confirm ? now.Add(_confirmLifetime).ToUnixTimeSeconds() : 0;
        var keyId = _keys.CurrentKeyId;

        var length = FixedBytes + keyId.Length + subscriberId.Length;
        Span<byte> buffer = stackalloc byte[length + TagBytes];
        var offset = 0;
        buffer[offset++] = Version;
        buffer[offset++] = (byte)purpose;
        buffer[offset++] = (byte)keyId.Length;
        offset += Encoding.ASCII.GetBytes(keyId, buffer[offset..]);
        BinaryPrimitives.WriteInt64BigEndian(buffer[offset..], issuedAt);
        offset += 8;
        BinaryPrimitives.WriteInt64BigEndian(buffer[offset..], expiresAt);
        offset += 8;
        buffer[offset++] = (byte)subscriberId.Length;
        offset += Encoding.ASCII.GetBytes(subscriberId, buffer[offset..]);
        HMACSHA256.HashData(_keys.CurrentKey, buffer[..offset], buffer[offset..]);
        return Base64Url.EncodeToString(buffer);
    }

    /// <summary>
    /// Checks a token from a link for <paramref name="expected"/>. The status says why a token was
    /// refused, for logs; what a visitor is shown must not depend on it.
    /// </summary>
    public TokenVerification Verify(string? token, TokenPurpose expected)
    {
        if (token is null || token.Length is 0 or > MaximumTokenLength || !token.All(IsBase64UrlChar))
        {
            return new(TokenStatus.Malformed, null);
        }

        Span<byte> buffer = stackalloc byte[Base64Url.GetMaxDecodedLength(token.Length)];
        int written;
        try
        {
            if (!Base64Url.TryDecodeFromChars(token, buffer, out written))
            {
                return new(TokenStatus.Malformed, null);
            }
        }
        catch (FormatException)
        {
            // The decoder throws rather than returns false on some lengths and final characters.
            return new(TokenStatus.Malformed, null);
        }

        var data = buffer[..written];
        if (data.Length < FixedBytes + 2 + TagBytes || data[0] != Version)
        {
            return new(TokenStatus.Malformed, null);
        }

        var purpose = (TokenPurpose)data[1];
        int keyIdLength = data[2];
        var offset = 3;
        if (keyIdLength is 0 or > TokenKeyRing.MaximumKeyIdLength || data.Length < offset + keyIdLength + 17 + TagBytes)
        {
            return new(TokenStatus.Malformed, null);
        }

        var keyIdBytes = data.Slice(offset, keyIdLength);
        offset += keyIdLength;
        var issuedAt = BinaryPrimitives.ReadInt64BigEndian(data[offset..]);
        offset += 8;
        var expiresAt = BinaryPrimitives.ReadInt64BigEndian(data[offset..]);
        offset += 8;
        int idLength = data[offset++];
        if (idLength is 0 or > MaximumSubscriberIdLength || data.Length != offset + idLength + TagBytes)
        {
            return new(TokenStatus.Malformed, null);
        }

        var idBytes = data.Slice(offset, idLength);
        offset += idLength;
        var keyId = Encoding.ASCII.GetString(keyIdBytes);
        if (!TokenKeyRing.IsValidKeyId(keyId))
        {
            return new(TokenStatus.Malformed, null);
        }

        if (!_keys.TryGetKey(keyId, out var key))
        {
            return new(TokenStatus.UnknownKey, null);
        }

        Span<byte> expectedTag = stackalloc byte[TagBytes];
        HMACSHA256.HashData(key, data[..offset], expectedTag);
        if (!CryptographicOperations.FixedTimeEquals(expectedTag, data.Slice(offset, TagBytes)))
        {
            return new(TokenStatus.BadSignature, null);
        }

        // Only now, with the signature checked, are the fields to be believed.
        var subscriberId = Encoding.ASCII.GetString(idBytes);
        if (!IsValidSubscriberId(subscriberId) || !Enum.IsDefined(purpose) || issuedAt is < 0 or > MaximumUnixSeconds || expiresAt is < 0 or > MaximumUnixSeconds)
        {
            return new(TokenStatus.Malformed, null);
        }

        if (purpose != expected)
        {
            return new(TokenStatus.WrongPurpose, null);
        }

        DateTimeOffset? expiry = expiresAt == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(expiresAt);
        if (expiry is { } end && _time.GetUtcNow() >= end)
        {
            return new(TokenStatus.Expired, null);
        }

        return new(TokenStatus.Valid, new SubscriberToken(purpose, subscriberId, keyId, DateTimeOffset.FromUnixTimeSeconds(issuedAt), expiry));
    }

    internal static bool IsValidSubscriberId(string? id) =>
        id is { Length: > 0 and <= MaximumSubscriberIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static bool IsBase64UrlChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
