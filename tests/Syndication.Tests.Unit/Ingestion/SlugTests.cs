using Syndication.Core.Articles;

namespace Syndication.Tests.Ingestion;

public sealed class SlugTests
{
    [Theory]
    [InlineData("Escalation in Aleppo: Iran-backed Forces", "escalation-in-aleppo-iran-backed-forces")]
    [InlineData("Café société: Über straße", "cafe-societe-uber-strasse")]
    [InlineData("  --Trump's Bold Move!-- ", "trump-s-bold-move")]
    [InlineData("GPT-4’s Role in 2024", "gpt-4-s-role-in-2024")]
    public void Headlines_become_lowercase_ascii_words(string headline, string slug) =>
        Assert.Equal(slug, Slug.From(headline));

    [Fact]
    public void Long_headlines_are_cut_at_a_word_boundary()
    {
        var slug = Slug.From(string.Join(' ', Enumerable.Repeat("syndication", 20)));

        Assert.True(slug.Length <= Slug.MaxLength);
        Assert.EndsWith("syndication", slug, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_are_stable_16_hex_digits()
    {
        var id = ArticleIdentity.IdFor("urn:newsml:syndication.example:20261124:monsoon-crop-insurance");

        Assert.Equal(id, ArticleIdentity.IdFor(" urn:newsml:syndication.example:20261124:monsoon-crop-insurance "));
        Assert.Matches("^[0-9a-f]{16}$", id);
        Assert.NotEqual(id, ArticleIdentity.IdFor("urn:newsml:syndication.example:20261124:other"));
    }
}
