using System.Globalization;
using System.Text;

namespace Syndication.Core.Articles;

/// <summary>URL slugs from headlines: lowercase ASCII words joined by hyphens.</summary>
public static class Slug
{
    public const int MaxLength = 80;

    public static string From(string headline)
    {
        ArgumentNullException.ThrowIfNull(headline);
        var decomposed = headline.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(Math.Min(decomposed.Length, MaxLength + 16));
        var pendingHyphen = false;
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var folded = Fold(ch);
            if (folded is null)
            {
                pendingHyphen = builder.Length > 0;
                continue;
            }

            if (pendingHyphen)
            {
                builder.Append('-');
                pendingHyphen = false;
            }

            builder.Append(folded);
            if (builder.Length >= MaxLength)
            {
                break;
            }
        }

        var slug = builder.ToString();
        if (slug.Length > MaxLength)
        {
            slug = slug[..MaxLength];
        }

        // Cut at a word boundary rather than mid-word when the headline was long.
        if (builder.Length >= MaxLength && slug.LastIndexOf('-') is var cut and > MaxLength / 2)
        {
            slug = slug[..cut];
        }

        return slug.Trim('-');
    }

    private static string? Fold(char ch) => ch switch
    {
        >= 'a' and <= 'z' or >= '0' and <= '9' => ch.ToString(),
        >= 'A' and <= 'Z' => char.ToLowerInvariant(ch).ToString(),
        'ß' => "ss",
        'æ' or 'Æ' => "ae",
        'ø' or 'Ø' => "o",
        'œ' or 'Œ' => "oe",
        'đ' or 'Đ' => "d",
        'ł' or 'Ł' => "l",
        'þ' or 'Þ' => "th",
        _ => null,
    };
}
