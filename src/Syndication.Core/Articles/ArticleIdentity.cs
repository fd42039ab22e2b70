using System.Security.Cryptography;
using System.Text;

namespace Syndication.Core.Articles;

/// <summary>Derives stable article ids from source identities.</summary>
public static class ArticleIdentity
{
    /// <summary>
    /// The id of the story a source calls <paramref name="sourceKey"/>: the first 8 bytes of its
    /// SHA-256, as 16 lowercase hex digits. Deterministic, so the same story always lands on the
    /// same id without a lookup, and anyone holding the source key can compute it.
    /// </summary>
    public static string IdFor(string sourceKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceKey);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(sourceKey.Trim()), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
