using System.Text;
using Syndication.Core.Ingestion;
using Syndication.Core.Ingestion.Feeds;

namespace Syndication.Tests.Ingestion.Feeds;

/// <summary>
/// The encoding rules: the BOM, then the XML declaration; no declaration means UTF-8, and a feed
/// that declares nothing and is not UTF-8 falls back to windows-1252 (what it always turns out to
/// be, and what browsers and feedparser do). A feed whose bytes contradict the UTF-8 it declares
/// is refused: guessing there could garble every item unnoticed.
/// </summary>
public sealed class FeedEncodingTests
{
    static FeedEncodingTests()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    [CorpusFact]
    public void Iso_8859_1_declared_in_the_corpus_is_decoded_by_its_declaration()
    {
        var feed = FeedReader.Read(File.ReadAllBytes(Repository.CorpusFile("upstream-feeds", "feedreader-Rss20ISO88591Intranet30.xml")));

        Assert.Equal("SVART MÅNAD - DÖDSOLYCKA i Vetlanda", feed.Entries[0].Title);
    }

    [CorpusFact]
    public void Undeclared_latin_1_in_the_corpus_falls_back_to_windows_1252()
    {
        // UOL's feed has no XML declaration and is not UTF-8 (byte 0xDA in "Últimas").
        var feed = FeedReader.Read(File.ReadAllBytes(Repository.CorpusFile("upstream-feeds", "rssparser-uolNoticias.rss")));

        Assert.Equal("Promotoria abre inquérito para apurar suspeita de improbidade de Skaf no Sebrae-SP", feed.Entries[1].Title);
    }

    [Fact]
    public void Undeclared_windows_1252_keeps_its_curly_quotes()
    {
        var bytes = Encoding.GetEncoding(1252).GetBytes("<rss version=\"2.0\"><channel><item><title>“Quoted” café</title></item></channel></rss>");

        Assert.Equal("“Quoted” café", FeedReader.Read(bytes).Entries[0].Title);
    }

    [Fact]
    public void Windows_1251_declared_is_decoded_by_its_declaration()
    {
        var bytes = Encoding.GetEncoding(1251).GetBytes("""
            <?xml version="1.0" encoding="windows-1251"?>
            <rss version="2.0"><channel><title>Яндекс.Новости: Москва</title><item><title>Патриарх Кирилл</title></item></channel></rss>
            """);

        var feed = FeedReader.Read(bytes);

        Assert.Equal("Яндекс.Новости: Москва", feed.Title);
        Assert.Equal("Патриарх Кирилл", feed.Entries[0].Title);
    }

    [CorpusFact]
    public void Yandex_is_declared_utf_8_with_its_russian_double_encoded_and_is_repaired()
    {
        // Not windows-1251: the file is valid UTF-8 of text that had already been read as
        // windows-1252 once ("Ð¯Ð½Ð´ÐµÐºÑ"); feedparser leaves it so. See Mojibake.
        var feed = FeedReader.Read(File.ReadAllBytes(Repository.CorpusFile("upstream-feeds", "feedreader-Rss20YandexRussia.xml")));

        Assert.Equal("Яндекс.Новости: Москва", feed.Title);
        Assert.Equal("Патриарх Кирилл поздравил российских космонавтов на МКС с Рождеством", feed.Entries[1].Title);
    }

    [Theory]
    [InlineData("Kältewelle in Europa", "Kältewelle in Europa")]
    [InlineData("KÃ¤ltewelle in Europa", "Kältewelle in Europa")]
    [InlineData("Infineon-Chef: â€žOhne uns fÃ¤hrt kein Fahrzeug autonomâ€œ", "Infineon-Chef: „Ohne uns fährt kein Fahrzeug autonom“")]
    [InlineData("naïve café, São Paulo, Øresund", "naïve café, São Paulo, Øresund")]
    [InlineData("Müller – „Öl” €5", "Müller – „Öl” €5")]
    [InlineData("plain ASCII", "plain ASCII")]
    public void Double_encoded_text_is_repaired_and_real_text_is_left_alone(string text, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes($"<rss><channel><item><title>{text}</title></item></channel></rss>");

        Assert.Equal(expected, FeedReader.Read(bytes).Entries[0].Title);
    }

    [Fact]
    public void Declared_utf_8_with_latin_1_bytes_is_refused_with_the_place()
    {
        var bytes = Encoding.Latin1.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss><channel>\n<title>Notícias</title></channel></rss>");

        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read(bytes));

        Assert.Contains("declares UTF-8", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, ex.Line);
        Assert.Equal(11, ex.Column);
    }

    [Fact]
    public void An_unknown_declared_encoding_is_refused_by_name()
    {
        var bytes = Encoding.ASCII.GetBytes("<?xml version=\"1.0\" encoding=\"x-made-up\"?><rss/>");

        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read(bytes));

        Assert.Contains("'x-made-up'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf_16_with_a_bom_is_read()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><channel><item><title>Ünïcode</title></item></channel></rss>")).ToArray();

        Assert.Equal("Ünïcode", FeedReader.Read(bytes).Entries[0].Title);
    }

    [Fact]
    public void Utf_8_bom_is_honoured()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("<rss><channel><item><title>Köln</title></item></channel></rss>")).ToArray();

        Assert.Equal("Köln", FeedReader.Read(bytes).Entries[0].Title);
    }

    [Fact]
    public void Control_characters_that_xml_forbids_become_spaces_instead_of_failing_the_feed()
    {
        // The Stack Overflow Atom feed in the corpus pastes raw bytes like 0x0F into a post.
        var bytes = Encoding.UTF8.GetBytes("<rss><channel><item><title>before\u000Fafter</title></item></channel></rss>");

        Assert.Equal("before after", FeedReader.Read(bytes).Entries[0].Title);
    }

    [Fact]
    public void Double_encoded_text_is_repaired_before_it_is_trimmed()
    {
        // "Â" and a no-break space are a double-encoded no-break space (C2 A0): repaired first, it
        // is white space and trimmed away; trimmed first, the "Â" would be left alone.
        var bytes = Encoding.UTF8.GetBytes("<rss><channel><item><title>t</title><category> KÃ¤lteÂ\u00A0</category></item></channel></rss>");

        Assert.Equal("Kälte", FeedReader.Read(bytes).Entries[0].Categories.Single());
    }

    [Fact]
    public void A_long_double_encoded_body_in_several_pieces_is_repaired_as_a_whole()
    {
        var body = string.Concat(Enumerable.Repeat("Die KÃ¤ltewelle hÃ¤lt an. ", 200));
        var split = body.Length / 2;
        var bytes = Encoding.UTF8.GetBytes($"<rss><channel><item><title>t</title><description><![CDATA[{body[..split]}]]>{body[split..]}</description></item></channel></rss>");

        Assert.Equal(string.Concat(Enumerable.Repeat("Die Kältewelle hält an. ", 200)).Trim(), FeedReader.Read(bytes).Entries[0].SummaryHtml);
    }
}
