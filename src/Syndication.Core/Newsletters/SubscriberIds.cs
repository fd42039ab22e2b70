using System.Security.Cryptography;
using System.Text;

namespace Syndication.Core.Newsletters;

/// <summary>
/// Derives a subscriber's id from their address with HMAC-SHA256 under a secret key: the same
/// address always gives the same id (so a second sign-up finds the first), and the id reveals
/// nothing about the address, neither to whoever reads a link or a log nor to anyone who would
/// hash guessed addresses, as they would with a plain hash. The key must stay the same for the
/// life of the list; it is not the token signing key.
/// </summary>
public sealed class SubscriberIds
{
    /// <summary>Separates these MACs from any other use of the same key by mistake.</summary>
    private const string Context = "syndication/subscriber-id/v1\n";

    private readonly byte[] _key;

    public SubscriberIds(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < TokenKeyRing.MinimumKeyBytes)
        {
            throw new ArgumentException($"The subscriber id key must be at least {TokenKeyRing.MinimumKeyBytes} bytes.", nameof(key));
        }

        _key = (byte[])key.Clone();
    }

    /// <summary>32 lowercase hex digits (128 bits): safe in URLs, table keys and tokens.</summary>
    public string IdFor(EmailAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Context + address.CanonicalKey));
        return Convert.ToHexStringLower(mac.AsSpan(0, 16));
    }
}
