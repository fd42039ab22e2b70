using System.Globalization;
using System.Text;
using AnyAscii;

namespace Syndication.Core.Articles;

/// <summary>URL slugs from headlines: lowercase ASCII words joined by hyphens, whatever the script.</summary>
/// <remarks>
/// Letters of other scripts are transliterated by AnyAscii ("Москва" → "moskva", "Ελλάδα" → "ellada",
/// "北京" → "bei-jing"): readers and editors can read and type the URL, and it survives every mail
/// client and chat app unescaped. A headline with nothing to transliterate (only emoji, say) gives
/// an empty slug, and the caller uses the article id instead.
/// </remarks>
public static class Slug
{
    public const int MaxLength = 80;

    public static string From(string headline)
    {
        ArgumentNullException.ThrowIfNull(headline);
        var builder = new SlugBuilder(Math.Min(headline.Length, MaxLength) + 16);
        foreach (var rune in headline.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            if (builder.Length >= MaxLength)
            {
                break;
            }

            if (rune.IsAscii)
            {
                builder.AppendAscii((char)rune.Value);
                continue;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (!IsLetterMarkOrNumber(category))
            {
                // Punctuation, symbols and emoji separate words; AnyAscii would spell emoji out (":fire:").
                builder.Separate();
                continue;
            }

            // Chinese has no spaces between words; a hyphen per syllable ("bei-jing") keeps the slug
            // readable and lets a long headline be cut at a boundary.
            var syllable = IsIdeograph(rune);
            if (syllable)
            {
                builder.Separate();
            }

            foreach (var b in Transliteration.Transliterate(rune))
            {
                var ch = (char)b;
                if (char.IsAsciiLetterOrDigit(ch))
                {
                    builder.AppendAscii(ch);
                }
                else if (ch == ' ' || category is UnicodeCategory.OtherNumber or UnicodeCategory.LetterNumber)
                {
                    // "½" is "1/2": keep the numbers apart.
                    builder.Separate();
                }

                // Other marks a transliteration carries (the ' and ` of Arabic hamza and ayn) are dropped
                // so they do not split a word.
            }

            if (syllable)
            {
                builder.Separate();
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

    private static bool IsLetterMarkOrNumber(UnicodeCategory category) => category
        is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>CJK unified and compatibility ideographs, whose transliteration is one syllable each.</summary>
    private static bool IsIdeograph(Rune rune) => rune.Value
        is (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x3FFFF);

    /// <summary>Lowercase ASCII letters and digits, with at most one hyphen between words and none at the ends.</summary>
    private sealed class SlugBuilder(int capacity)
    {
        private readonly StringBuilder _text = new(capacity);
        private bool _pendingHyphen;

        public int Length => _text.Length;

        public void AppendAscii(char ch)
        {
            if (!char.IsAsciiLetterOrDigit(ch))
            {
                Separate();
                return;
            }

            if (_pendingHyphen)
            {
                _text.Append('-');
                _pendingHyphen = false;
            }

            _text.Append(char.ToLowerInvariant(ch));
        }

        public void Separate() => _pendingHyphen = _text.Length > 0;

        public override string ToString() => _text.ToString();
    }
}
