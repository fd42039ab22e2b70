using System.Text;
using Syndication.Core.Ingestion;
using Syndication.Core.Ingestion.Feeds;

namespace Syndication.Tests.Ingestion.Feeds;

/// <summary>Hostile and broken input: refused with a reason, quickly, and without touching anything outside.</summary>
public sealed class FeedSafetyTests
{
    [Fact]
    public void External_entity_is_refused_as_a_dtd_and_nothing_is_read()
    {
        var xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <rss version="2.0"><channel><title>&xxe;</title></channel></rss>
            """;

        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read(Encoding.UTF8.GetBytes(xxe)));

        Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void Billion_laughs_is_refused_quickly_without_expansion()
    {
        var bomb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for (var i = 1; i <= 9; i++)
        {
            bomb.Append($" <!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : i - 1)};", 10))}\">\n");
        }

        bomb.Append("]>\n<rss version=\"2.0\"><channel><title>&lol9;</title></channel></rss>");
        var bytes = Encoding.UTF8.GetBytes(bomb.ToString());
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read(bytes));

        Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);

        // Not a wall-clock bound (a busy machine makes any such bound flaky): the work done is the
        // memory touched. Expanded, &lol9; is 10^9 "lol"s (3 GB); refused unread it costs a few kilobytes.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the bomb was expanded");
    }

    [Fact]
    public void A_dtd_after_a_comment_is_still_found()
    {
        var xml = "<?xml version=\"1.0\"?><!-- hello --><?pi x?>\n<!DOCTYPE rss [<!ENTITY a \"b\">]><rss/>";

        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read(Encoding.UTF8.GetBytes(xml)));

        Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dtd_in_utf_16_is_refused_by_the_parser_itself()
    {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?><!DOCTYPE rss [<!ENTITY a \"b\">]><rss>&a;</rss>";
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(xml)).ToArray();

        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read(bytes));

        Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_doctype_naming_only_an_external_dtd_is_skipped_unfetched()
    {
        // The RSS 0.91 feeds of old name Netscape's DTD. It is never opened: a path that cannot
        // exist proves it, since reading it would fail.
        var xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "/nonexistent/rss-0.91.dtd">
            <rss version="0.91"><channel><title>Scripting News</title><item><title>stuff</title><link>http://bar</link></item></channel></rss>
            """;

        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(xml));

        Assert.Equal("0.91", feed.Version);
        Assert.Equal("stuff", feed.Entries[0].Title);
    }

    [Fact]
    public void An_entity_that_only_an_external_dtd_could_define_is_an_error_not_a_fetch()
    {
        var xml = "<!DOCTYPE rss SYSTEM \"http://127.0.0.1:9/rss.dtd\">\n<rss><channel><title>&nbsp;</title></channel></rss>";

        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read(Encoding.UTF8.GetBytes(xml)));

        Assert.Contains("nbsp", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void Malformed_xml_is_refused_with_line_and_column()
    {
        var xml = "<rss version=\"2.0\">\n<channel>\n  <title>Unclosed</channel>\n</rss>";

        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read(Encoding.UTF8.GetBytes(xml)));

        Assert.StartsWith("The feed is not well-formed XML", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Line 3", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, ex.Line);
        Assert.True(ex.Column > 1);
    }

    [Fact]
    public void Truncated_feed_is_refused()
    {
        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read("<rss><channel><item><title>cut off"u8.ToArray()));

        Assert.Contains("not well-formed", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body>Not found</body></html>", "not a feed")]
    [InlineData("", "empty")]
    [InlineData("   \n", "empty")]
    [InlineData("{\"items\": []}", "not a JSON Feed")]
    [InlineData("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [", "not valid JSON")]
    [InlineData("not xml at all", "not well-formed")]
    public void What_is_not_a_feed_is_refused_with_a_reason(string text, string reason)
    {
        var ex = Assert.Throws<RejectedInputException>(() => FeedReader.Read(Encoding.UTF8.GetBytes(text)));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
