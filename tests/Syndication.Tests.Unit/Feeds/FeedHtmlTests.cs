using Syndication.Core.Feeds;

namespace Syndication.Tests.Feeds;

public sealed class FeedHtmlTests
{
    private static readonly Uri Article = new("https://news.example.com/news/story");

    [Theory]
    [InlineData("<a href=\"/x\">x</a>", "<a href=\"https://news.example.com/x\">x</a>")]
    [InlineData("<a href='x'>x</a>", "<a href=\"https://news.example.com/news/x\">x</a>")]
    [InlineData("<a href=x>x</a>", "<a href=\"https://news.example.com/news/x\">x</a>")]
    [InlineData("<a class=\"y\" href = \"/x?a=1&amp;b=2\" >x</a>", "<a class=\"y\" href = \"https://news.example.com/x?a=1&amp;b=2\" >x</a>")]
    [InlineData("<img alt=\"a > b\" src=\"i.png\">", "<img alt=\"a > b\" src=\"https://news.example.com/news/i.png\">")]
    [InlineData("<img title='say \"hi\"' src=i.png data-src=\"/keep\">", "<img title='say \"hi\"' src=\"https://news.example.com/news/i.png\" data-src=\"/keep\">")]
    [InlineData("<!-- <a href=\"/x\"> --><p>a href=\"/x\" in text</p>", "<!-- <a href=\"/x\"> --><p>a href=\"/x\" in text</p>")]
    [InlineData("<A HREF=\"#n\">n</A>", "<A HREF=\"https://news.example.com/news/story#n\">n</A>")]
    [InlineData("<a href=\"https://a.example.com/\">a</a><a href=\"mailto:x@example.com\">m</a><img src=\"data:image/png;base64,AA==\">", "<a href=\"https://a.example.com/\">a</a><a href=\"mailto:x@example.com\">m</a><img src=\"data:image/png;base64,AA==\">")]
    [InlineData("<video poster=\"p.jpg\"><source src=\"//cdn.example.com/v.mp4\"></video>", "<video poster=\"https://news.example.com/news/p.jpg\"><source src=\"https://cdn.example.com/v.mp4\"></video>")]
    [InlineData("5 < 6 and <br/> then <a href=\"/y\"", "5 < 6 and <br/> then <a href=\"https://news.example.com/y\"")]
    public void Relative_links_become_absolute_and_nothing_else_changes(string html, string expected)
    {
        Assert.Equal(expected, FeedHtml.AbsolutizeLinks(html, Article));
    }

    [Fact]
    public void A_body_without_relative_links_is_returned_as_is()
    {
        var html = "<p><a href=\"https://news.example.com/a\">a</a></p>";

        Assert.Same(html, FeedHtml.AbsolutizeLinks(html, Article));
    }

    [Theory]
    [InlineData("<b>Bold</b> &amp; brave", "Bold & brave")]
    [InlineData("5 < 6 &amp; 7 > 3", "5 < 6 & 7 > 3")]
    [InlineData("  spaced\n\tout  ", "spaced out")]
    [InlineData("&amp;amp;lt;i&amp;amp;gt;x", "x")]
    [InlineData("bell\u0007 and\u000B more", "bell and more")]
    public void Plain_text_has_no_markup_entities_or_forbidden_characters(string text, string expected)
    {
        Assert.Equal(expected, FeedText.Plain(text));
    }
}
