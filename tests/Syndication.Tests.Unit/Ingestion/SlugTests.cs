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

    [Theory]
    // Cyrillic, Greek
    [InlineData("Москва", "moskva")]
    [InlineData("Ελλάδα", "ellada")]
    [InlineData("Путин провёл пресс-конференцию в Москве", "putin-provel-press-konferentsiyu-v-moskve")]
    [InlineData("Щука, ёж и Юрий из Києва", "shchuka-ezh-i-yuriy-iz-kiieva")]
    [InlineData("Άγιος Νικόλαος: Ψυχή και θάλασσα", "agios-nikolaos-psychi-kai-thalassa")]
    // German, Nordic, French, Turkish, Polish
    [InlineData("Müller äußert Kritik an Größe", "muller-aussert-kritik-an-grosse")]
    [InlineData("Ærø, Ørsted og Åland; Þór í Reykjavík", "aero-orsted-og-aland-thor-i-reykjavik")]
    [InlineData("Œuvre à Besançon : l'été", "oeuvre-a-besancon-l-ete")]
    [InlineData("İstanbul'da ılık hava, Ağrı'da şiddetli kar", "istanbul-da-ilik-hava-agri-da-siddetli-kar")]
    [InlineData("Łódź i Gdańsk: żółć", "lodz-i-gdansk-zolc")]
    // Scripts without a Latin neighbour
    [InlineData("北京举行经济会议", "bei-jing-ju-xing-jing-ji-hui-yi")]
    [InlineData("東京タワー", "dong-jing-tawa")]
    [InlineData("서울 시장 선거", "seoul-sijang-seongeo")]
    [InlineData("भारत ने मैच जीता", "bhart-ne-maic-jita")]
    [InlineData("مرحبا بالعالم", "mrhb-bllm")]
    // Decomposed input (as some Mac tools write it) gives the same slug as composed.
    [InlineData("Cafe\u0301 Ma\u0308rchen", "cafe-marchen")]
    // Symbols and emoji separate words and add nothing.
    [InlineData("🔥 Markets rally 5% as € gains ½ cent", "markets-rally-5-as-gains-1-2-cent")]
    [InlineData("Rates №1 ™ © ®", "rates-1")]
    public void Other_scripts_are_transliterated_to_ascii(string headline, string slug) =>
        Assert.Equal(slug, Slug.From(System.Text.RegularExpressions.Regex.Unescape(headline)));

    [Theory]
    [InlineData("🔥🔥🔥")]
    [InlineData("!!! ??? ...")]
    [InlineData("")]
    public void A_headline_with_nothing_to_spell_gives_an_empty_slug(string headline) =>
        Assert.Equal("", Slug.From(headline));

    [Fact]
    public void Long_headlines_in_chinese_are_cut_at_a_syllable()
    {
        var slug = Slug.From(string.Concat(Enumerable.Repeat("经济会议", 20)));

        Assert.InRange(slug.Length, Slug.MaxLength / 2, Slug.MaxLength);
        Assert.Matches("^[a-z]+(-[a-z]+)*$", slug);
    }

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
