using System.Security.Cryptography;
using System.Text;

namespace Syndication.Core.Articles;

/// <summary>
/// Derives stable article ids from source identities. A source key (a ninjs <c>uri</c>, a feed
/// guid) names a story only within its source: each upstream feed source and the drop zone is its
/// own namespace, so two agencies that happen to use the same guid make two articles.
/// </summary>
public static class ArticleIdentity
{
    /// <summary>
    /// The id of the story the drop zone calls <paramref name="sourceKey"/>: the first 8 bytes of its
    /// SHA-256, as 16 lowercase hex digits. Deterministic, so the same story always lands on the
    /// same id without a lookup, and anyone holding the source key can compute it. Every article
    /// stored before sources had namespaces has an id of this form.
    /// </summary>
    public static string IdFor(string sourceKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceKey);
        return Hash(sourceKey.Trim());
    }

    /// <summary>
    /// The id of the story <paramref name="source"/> calls <paramref name="sourceKey"/>; a null
    /// source is the drop zone (<see cref="IdFor(string)"/>). An upstream source's ids hash its
    /// name (case-insensitive) with the key, so they never meet the drop zone's or another source's.
    /// </summary>
    public static string IdFor(string? source, string sourceKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceKey);
        return source is null ? IdFor(sourceKey) : Hash($"source:{NormalizeSource(source)}\n{sourceKey.Trim()}");
    }

    /// <summary>A source's name as ids and comparisons use it: trimmed, lower case.</summary>
    public static string NormalizeSource(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return source.Trim().ToLowerInvariant();
    }

    private static string Hash(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
