using System.Text;
using System.Text.RegularExpressions;
using Syndication.Core.Ingestion.Feeds;

namespace Syndication.Tests.Ingestion.Feeds;

/// <summary>RSS 1.0 (RDF), RSS 2.0 with its extension modules, and Atom, on small samples and the corpus.</summary>
public sealed class RssAndAtomTests
{
    [CorpusFact]
    public void Rss_1_0_from_orf_reads_ids_from_rdf_about_and_dates_from_dc_date()
    {
        var feed = FeedReader.Read(File.ReadAllBytes(Repository.CorpusFile("upstream-feeds", "feedreader-Rss10OrfAt.xml")));

        Assert.Equal(FeedFormat.Rdf, feed.Format);
        Assert.Equal("1.0", feed.Version);
        Assert.Equal("news.ORF.at", feed.Title);
        Assert.Equal(50, feed.Entries.Count);
        var first = feed.Entries[0];
        Assert.Equal("http://orf.at/stories/2376368/", first.Id);
        Assert.Equal("US-Band New Edition mit Stern auf „Walk of Fame“ geehrt", first.Title);
        Assert.Equal(new DateTimeOffset(2017, 1, 23, 20, 54, 55, TimeSpan.Zero), first.Updated);
        Assert.Null(first.Published);
        Assert.Equal(["Kultur"], first.Categories);
    }

    [Fact]
    public void Rss_1_0_with_content_and_creator_becomes_a_draft()
    {
        var rdf = """
            <?xml version="1.0" encoding="utf-8"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
              <channel rdf:about="https://example.org/rss">
                <title>Example</title><link>https://example.org/</link><description>d</description>
                <dc:language>de</dc:language>
                <items><rdf:Seq><rdf:li rdf:resource="https://example.org/a"/></rdf:Seq></items>
              </channel>
              <item rdf:about="https://example.org/a">
                <title>Ein Titel</title>
                <link>https://example.org/a</link>
                <description>Kurz &amp; bündig.</description>
                <content:encoded><![CDATA[<p>Der <b>ganze</b> Text.</p>]]></content:encoded>
                <dc:creator>Anna Muster</dc:creator>
                <dc:date>2017-01-23T21:54:55+01:00</dc:date>
                <dc:subject>Politik</dc:subject>
              </item>
            </rdf:RDF>
            """;

        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(rdf));
        var draft = feed.Entries.Single().ToDraft(feed);

        Assert.Equal((FeedFormat.Rdf, "1.0"), (feed.Format, feed.Version));
        Assert.Equal("https://example.org/", feed.Link);
        Assert.Equal("https://example.org/a", draft.SourceKey);
        Assert.Equal("Ein Titel", draft.Headline);
        Assert.Equal("Kurz & bündig.", draft.Summary);
        Assert.Equal("<p>Der <b>ganze</b> Text.</p>", draft.BodyHtml);
        Assert.Equal("Anna Muster", draft.Byline);
        Assert.Equal("de", draft.Language);
        Assert.Equal(new DateTimeOffset(2017, 1, 23, 20, 54, 55, TimeSpan.Zero), draft.Created);
    }

    [Fact]
    public void Rss_0_90_is_read_as_rdf()
    {
        var rdf = """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
              <channel><title>Mozilla Dot Org</title><link>http://www.mozilla.org</link></channel>
              <item><title>New Status Updates</title><link>http://www.mozilla.org/status/</link></item>
            </rdf:RDF>
            """;

        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(rdf));

        Assert.Equal((FeedFormat.Rdf, "0.90"), (feed.Format, feed.Version));
        Assert.Equal("http://www.mozilla.org/status/", feed.Entries.Single().Link);
    }

    private const string Rss20 = """
        <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/"
             xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
          <channel>
            <title>Wire</title><link>https://wire.example/</link><language>en-in</language>
            <atom:link href="https://wire.example/rss" rel="self"/>
            <item>
              <title> Markets &amp; money </title>
              <link>https://wire.example/a?x=1&amp;y=2</link>
              <guid isPermaLink="false">wire-123</guid>
              <description>&lt;p&gt;Short &lt;i&gt;teaser&lt;/i&gt;&lt;/p&gt;</description>
              <content:encoded><![CDATA[<p>Full story.</p>]]></content:encoded>
              <author>desk@wire.example (Wire Desk)</author>
              <dc:creator>Priya Raman</dc:creator>
              <category>Business</category>
              <category domain="https://cv.iptc.org">medtop:04000000</category>
              <pubDate>Mon, 02 Dec 2024 17:22:00 +0530</pubDate>
              <media:content url="https://img.wire.example/big.jpg" medium="image" width="1200" height="800">
                <media:description>The RBI building</media:description>
                <media:credit>Photo: Agency</media:credit>
              </media:content>
              <media:content url="https://video.wire.example/clip.mp4" type="video/mp4"/>
              <enclosure url="https://img.wire.example/enc.png" type="image/png" length="1234"/>
              <media:thumbnail url="https://img.wire.example/big.jpg" width="120"/>
              <media:thumbnail url="https://img.wire.example/thumb.jpg" width="120" height="80"/>
              <unknown><deeply><nested>ignored</nested></deeply></unknown>
            </item>
            <item>
              <title>Only a link</title>
              <guid>https://wire.example/b</guid>
              <description>Text</description>
            </item>
          </channel>
        </rss>
        """;

    [Fact]
    public void Rss_2_0_entry_reads_every_field_the_draft_needs()
    {
        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(Rss20));
        var entry = feed.Entries[0];
        var draft = entry.ToDraft(feed);

        Assert.Equal((FeedFormat.Rss, "2.0"), (feed.Format, feed.Version));
        Assert.Equal("https://wire.example/", feed.Link);
        Assert.Equal("wire-123", draft.SourceKey);
        Assert.Equal("Markets & money", draft.Headline);
        Assert.Equal("https://wire.example/a?x=1&y=2", entry.Link);
        Assert.Equal("Short teaser", draft.Summary);
        Assert.Equal("<p>Full story.</p>", draft.BodyHtml);
        Assert.Equal("Wire Desk, Priya Raman", draft.Byline);
        Assert.Equal(["Business", "medtop:04000000"], entry.Categories);
        Assert.Equal(["medtop:04000000"], draft.SubjectCodes);
        Assert.Equal("en-in", draft.Language);
        Assert.Equal(new DateTimeOffset(2024, 12, 2, 11, 52, 0, TimeSpan.Zero), draft.Created);
        Assert.Equal(draft.Created, draft.Updated);

        // Pictures first in feed order, then thumbnails not already seen; the video is no picture.
        Assert.Equal(
            ["https://img.wire.example/big.jpg", "https://img.wire.example/enc.png", "https://img.wire.example/thumb.jpg"],
            draft.Images.Select(i => i.Url.ToString()));
        Assert.Equal(("The RBI building", 1200, 800, "Photo: Agency"), (draft.Images[0].Alt, draft.Images[0].Width, draft.Images[0].Height, draft.Images[0].Credit));
    }

    [Fact]
    public void A_permalink_guid_is_the_link_when_there_is_none_and_the_body_falls_back_to_the_description()
    {
        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(Rss20));
        var entry = feed.Entries[1];
        var draft = entry.ToDraft(feed);

        Assert.Equal("https://wire.example/b", entry.Link);
        Assert.Equal("https://wire.example/b", draft.SourceKey);
        Assert.Equal("Text", draft.BodyHtml);
        Assert.Null(draft.Created);
    }

    [Fact]
    public void A_description_that_is_only_a_tracking_pixel_is_no_body()
    {
        var rss = "<rss version=\"2.0\"><channel><item><guid>g</guid><title>T</title>"
            + "<description>&lt;img src=\"https://pixel.example/b.gif\" width=\"1\" height=\"1\" /&gt;</description></item></channel></rss>";

        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(rss));
        var ex = Assert.Throws<Core.Ingestion.RejectedInputException>(() => feed.Entries[0].ToDraft(feed));

        Assert.Contains("no text in its content or description", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_guid_the_link_is_the_source_key()
    {
        var rss = "<rss version=\"0.92\"><channel><item><title>T</title><link>https://x.example/1</link><description>D</description></item></channel></rss>";

        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(rss));

        Assert.Null(feed.Entries[0].Id);
        Assert.Equal("https://x.example/1", feed.Entries[0].ToDraft(feed).SourceKey);
    }

    [Fact]
    public void Atom_text_constructs_html_xhtml_and_text_are_each_read_for_what_they_are()
    {
        var atom = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
              <title type="html">Tech &lt;b&gt;News&lt;/b&gt;</title>
              <link rel="self" href="https://atom.example/feed"/>
              <link href="https://atom.example/"/>
              <updated>2017-01-07T09:00:01-05:00</updated>
              <entry>
                <id>tag:atom.example,2017:1</id>
                <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">An <em>XHTML</em> title</div></title>
                <link rel="alternate" type="text/html" href="https://atom.example/1"/>
                <link rel="enclosure" type="image/jpeg" href="https://atom.example/1.jpg"/>
                <published>2017-01-07T14:00:01Z</published>
                <updated>2017-01-07T15:00:01Z</updated>
                <author><name>Ann</name><email>ann@atom.example</email></author>
                <author><name>Bob</name></author>
                <category term="tech" label="Technology"/>
                <summary>Plain &lt;not a tag&gt; summary</summary>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Body <a href="https://x">link</a></p></div></content>
              </entry>
            </feed>
            """;

        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(atom));
        var entry = feed.Entries.Single();

        Assert.Equal((FeedFormat.Atom, "1.0"), (feed.Format, feed.Version));
        Assert.Equal("Tech News", feed.Title);
        Assert.Equal("https://atom.example/", feed.Link);
        Assert.Equal("en", feed.Language);
        Assert.Equal("An XHTML title", entry.Title);
        Assert.Equal("https://atom.example/1", entry.Link);
        Assert.Equal("Ann, Bob", entry.Author);
        Assert.Equal(["tech"], entry.Categories);
        Assert.Equal("<p>Plain &lt;not a tag&gt; summary</p>", entry.SummaryHtml);
        Assert.Equal("<p>Body <a href=\"https://x\">link</a></p>", entry.ContentHtml);
        Assert.Equal("https://atom.example/1.jpg", entry.Images.Single().Url.ToString());
        Assert.Equal(new DateTimeOffset(2017, 1, 7, 14, 0, 1, TimeSpan.Zero), entry.Published);
        Assert.Equal(new DateTimeOffset(2017, 1, 7, 15, 0, 1, TimeSpan.Zero), entry.Updated);
    }

    [Fact]
    public void Unescaped_html_inside_a_description_is_kept_as_markup()
    {
        var rss = "<rss><channel><item><guid>g</guid><title>T</title><description>Intro <b>bold</b> <img src=\"https://x/i.jpg\"/> end</description></item></channel></rss>";

        var entry = FeedReader.Read(Encoding.UTF8.GetBytes(rss)).Entries[0];

        Assert.Equal("Intro <b>bold</b> <img src=\"https://x/i.jpg\" /> end", entry.SummaryHtml);
    }

    [CorpusFact]
    public void Corpus_images_come_from_media_content_enclosures_and_thumbnails()
    {
        var guardian = FeedReader.Read(File.ReadAllBytes(Repository.CorpusFile("upstream-feeds", "rssparser-guardian.rss")));
        var mirror = FeedReader.Read(File.ReadAllBytes(Repository.CorpusFile("upstream-feeds", "feedreader-Rss20TheMirror.xml")));
        var breakingNews = FeedReader.Read(File.ReadAllBytes(Repository.CorpusFile("upstream-feeds", "feedreader-Rss20BreakingNews.xml")));

        Assert.All(guardian.Entries.Where(e => e.Images.Count > 0), e => Assert.All(e.Images, i => Assert.NotNull(i.Width)));
        Assert.Contains(guardian.Entries, e => e.Images.Any(i => i.Credit is not null));
        Assert.All(mirror.Entries, e => Assert.NotEmpty(e.Images));
        // BreakingNews.ie gives three items a picture and the rest an empty <enclosure />.
        Assert.Equal("http://media.central.ie/media/images/s/StockGraphGeneric.jpg", breakingNews.Entries[0].Images.Single().Url.ToString());
        Assert.Equal(3, breakingNews.Entries.Count(e => e.Images.Count > 0));
        Assert.Equal(3, Regex.Count(File.ReadAllText(Repository.CorpusFile("upstream-feeds", "feedreader-Rss20BreakingNews.xml")), "<enclosure url="));
    }

    [Fact]
    public void A_body_longer_than_the_reader_buffer_in_many_text_cdata_and_entity_pieces_comes_out_whole_and_trimmed()
    {
        // The reader copies element text into one buffer that starts at a few thousand
        // characters and grows; a body is often text, CDATA and entities side by side.
        var paragraph = "<p>Officials said the programme would widen &amp; clinics stay open.</p>\n";
        var pieces = new StringBuilder("\n   ");
        var expected = new StringBuilder();
        for (var i = 0; i < 400; i++)
        {
            pieces.Append(i % 2 == 0 ? $"<![CDATA[{paragraph}]]>" : paragraph.Replace("&amp;", "&amp;amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal));
            expected.Append(paragraph);
        }

        pieces.Append("  \n ");
        var rss = $"<rss xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><item><guid>g</guid><title>T</title><content:encoded>{pieces}</content:encoded><description>short</description></item></channel></rss>";

        var entry = FeedReader.Read(Encoding.UTF8.GetBytes(rss)).Entries[0];

        Assert.True(expected.Length > 20_000);
        Assert.Equal(expected.ToString().Trim(), entry.ContentHtml);
        Assert.Equal("short", entry.SummaryHtml);
    }
}
