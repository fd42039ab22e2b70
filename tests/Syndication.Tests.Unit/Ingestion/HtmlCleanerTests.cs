using System.Text.RegularExpressions;
using System.Xml.Linq;
using Syndication.Core.Ingestion;
using Syndication.Core.Ingestion.Normalization;

namespace Syndication.Tests.Ingestion;

public sealed class HtmlCleanerTests
{
    private static readonly Uri ItemLink = new("https://wire.example.com/world/2026/11/25/story.html");

    [Theory]
    // Scripts, handlers and script URLs, including the spellings filters miss.
    [InlineData("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>")]
    [InlineData("<p>Hi</p><SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<p>Hi</p>")]
    [InlineData("<p onclick=\"steal()\">Text</p>", "<p>Text</p>")]
    [InlineData("<img src=\"https://img.example.com/a.jpg\" onerror=\"alert(1)\">", "<img src=\"https://img.example.com/a.jpg\">")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\" JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\"java&#x09;script:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\"java\nscript:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\"vbscript:msgbox(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>", "<a>x</a>")]
    [InlineData("<svg onload=\"alert(1)\"><circle r=\"4\"/></svg><p>After</p>", "<p>After</p>")]
    [InlineData("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "")]
    [InlineData("<object data=\"https://evil.example/x.swf\"></object><embed src=\"https://evil.example/x.swf\"><p>t</p>", "<p>t</p>")]
    [InlineData("<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"><p>t</p>", "<p>t</p>")]
    [InlineData("<style>body { display: none }</style><p>t</p>", "<p>t</p>")]
    [InlineData("<div style=\"background-image: url(javascript:alert(1)); color: red\">t</div>", "<div style=\"color: rgba(255, 0, 0, 1)\">t</div>")]
    // Forms: phishing material on our domain.
    [InlineData("<form action=\"https://evil.example/login\"><input name=\"password\" type=\"password\"><button>Log in</button></form><p>t</p>", "<p>t</p>")]
    // Positioning that would lift content over the page's own chrome.
    [InlineData("<div style=\"position: fixed; top: 0; left: 0; z-index: 9999; color: red\">Win!</div>", "<div style=\"color: rgba(255, 0, 0, 1)\">Win!</div>")]
    [InlineData("<p style=\"float: right; transform: translateY(-500px); font-weight: bold\">t</p>", "<p style=\"font-weight: bold\">t</p>")]
    // Plain markup passes untouched.
    [InlineData("<p>Tom &amp; Jerry <em>said</em> <a href=\"https://example.org/a?b=1&amp;c=2\" title=\"t\">this</a>.</p>", "<p>Tom &amp; Jerry <em>said</em> <a href=\"https://example.org/a?b=1&amp;c=2\" title=\"t\">this</a>.</p>")]
    [InlineData("<figure><img src=\"https://img.example.com/a.jpg\" alt=\"A\" width=\"640\" height=\"360\"><figcaption>Cap</figcaption></figure>", "<figure><img src=\"https://img.example.com/a.jpg\" alt=\"A\" width=\"640\" height=\"360\"><figcaption>Cap</figcaption></figure>")]
    [InlineData("<a href=\"mailto:desk@wire.example.com\">Desk</a>", "<a href=\"mailto:desk@wire.example.com\">Desk</a>")]
    public void Dangerous_markup_is_removed_and_plain_markup_kept(string html, string expected) =>
        Assert.Equal(expected, HtmlCleaner.Default.Clean(html, ItemLink));

    [Theory]
    [InlineData("<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" width=\"560\" height=\"315\" allowfullscreen></iframe>", "<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" width=\"560\" height=\"315\" allowfullscreen=\"\"></iframe>")]
    [InlineData("<iframe src=\"https://www.youtube-nocookie.com/embed/abc\"></iframe>", "<iframe src=\"https://www.youtube-nocookie.com/embed/abc\"></iframe>")]
    [InlineData("<iframe src=\"http://player.vimeo.com/video/76979871\"></iframe>", "<iframe src=\"https://player.vimeo.com/video/76979871\"></iframe>")]
    [InlineData("<iframe src=\"https://evil.example/embed\"></iframe><p>t</p>", "<p>t</p>")]
    [InlineData("<iframe src=\"https://www.youtube.com.evil.example/embed/x\"></iframe>", "")]
    [InlineData("<iframe src=\"https://youtube.com@evil.example/embed/x\"></iframe>", "")]
    [InlineData("<iframe src=\"javascript:alert(1)\"></iframe>", "")]
    [InlineData("<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>", "")]
    [InlineData("<iframe src=\"/embed/relative\"></iframe>", "")]
    public void Iframes_are_kept_only_from_the_allowed_hosts(string html, string expected) =>
        Assert.Equal(expected, HtmlCleaner.Default.Clean(html, ItemLink));

    [Fact]
    public void The_iframe_hosts_are_configurable()
    {
        var cleaner = new HtmlCleaner(["www.dailymotion.com"]);

        Assert.Equal("<iframe src=\"https://www.dailymotion.com/embed/video/x1\"></iframe>", cleaner.Clean("<iframe src=\"https://www.dailymotion.com/embed/video/x1\"></iframe>"));
        Assert.Equal("", cleaner.Clean("<iframe src=\"https://www.youtube.com/embed/x\"></iframe>"));
        Assert.Same(HtmlCleaner.Default, HtmlCleaner.For(null));
    }

    [Theory]
    [InlineData("<p>t</p><img src=\"https://t.example/open.gif\" width=\"1\" height=\"1\">", "<p>t</p>")]
    [InlineData("<p>t</p><img src=\"https://t.example/open.gif\" width=\"0\" height=\"0\" alt=\"\">", "<p>t</p>")]
    [InlineData("<p>t</p><img src=\"https://t.example/open.gif\" style=\"width: 1px; height: 1px\">", "<p>t</p>")]
    [InlineData("<p>t</p><img src=\"https://t.example/open.gif\" width=\"1px\" height=\"1px\" border=\"0\">", "<p>t</p>")]
    [InlineData("<img alt=\"\" border=\"0\" src=\"http://pixel.wp.com/b.gif?host=indianexpress.com&amp;blog=53855017&amp;post=4463964\" />", "")]
    [InlineData("<p>t</p><img src=\"http://feeds.feedburner.com/~r/Reuters/worldNews/~4/xROvFa03AOc\" height=\"1\" width=\"1\" alt=\"\"/>", "<p>t</p>")]
    [InlineData("<p>t</p><img src=\"https://medium.com/_/stat?event=post.clientViewed&amp;referrerSource=full_rss&amp;postId=1\" width=\"1\" height=\"1\">", "<p>t</p>")]
    [InlineData("<p>t</p><a href=\"https://t.example/click\"><img src=\"https://t.example/p.gif\" width=\"1\" height=\"1\"></a>", "<p>t</p>")]
    [InlineData("<p>t</p><div class=\"feedflare\"><a href=\"http://feeds.reuters.com/~ff/Reuters/worldNews?a=x\"><img src=\"http://feeds.feedburner.com/~ff/Reuters/worldNews?d=y\" border=\"0\"></a></div>", "<p>t</p>")]
    // A thin rule or a one-pixel-wide spacer is not a pixel: both sides must be tiny.
    [InlineData("<img src=\"https://img.example.com/rule.png\" width=\"600\" height=\"1\">", "<img src=\"https://img.example.com/rule.png\" width=\"600\" height=\"1\">")]
    // An image left without a usable source shows nothing.
    [InlineData("<img src=\"javascript:alert(1)\"><p>t</p>", "<p>t</p>")]
    [InlineData("<img src=\"data:image/png;base64,iVBORw0KGgo=\"><p>t</p>", "<p>t</p>")]
    public void Tracking_pixels_and_feed_furniture_are_removed(string html, string expected) =>
        Assert.Equal(expected, HtmlCleaner.Default.Clean(html, ItemLink));

    [Theory]
    [InlineData("<img src=\"/media/a.jpg\">", "<img src=\"https://wire.example.com/media/a.jpg\">")]
    [InlineData("<img src=\"pics/a.jpg\">", "<img src=\"https://wire.example.com/world/2026/11/25/pics/a.jpg\">")]
    [InlineData("<a href=\"../24/earlier.html\">Earlier</a>", "<a href=\"https://wire.example.com/world/2026/11/24/earlier.html\">Earlier</a>")]
    [InlineData("<a href=\"//cdn.example.net/x.pdf\">PDF</a>", "<a href=\"https://cdn.example.net/x.pdf\">PDF</a>")]
    [InlineData("<a href=\"#section-2\">Below</a>", "<a href=\"https://wire.example.com/world/2026/11/25/story.html#section-2\">Below</a>")]
    [InlineData("<img src=\"/m/a.jpg\" srcset=\"/m/a-640.jpg 640w, /m/a-1280.jpg 1280w\" sizes=\"100vw\">", "<img src=\"https://wire.example.com/m/a.jpg\" srcset=\"https://wire.example.com/m/a-640.jpg 640w, https://wire.example.com/m/a-1280.jpg 1280w\" sizes=\"100vw\">")]
    [InlineData("<img src=\"/m/a.jpg\" srcset=\"/m/a-2x.jpg 2x, javascript:alert(1) 3x\">", "<img src=\"https://wire.example.com/m/a.jpg\" srcset=\"https://wire.example.com/m/a-2x.jpg 2x\">")]
    [InlineData("<picture><source srcset=\"/m/a.webp\" type=\"image/webp\"><img src=\"/m/a.jpg\"></picture>", "<picture><source srcset=\"https://wire.example.com/m/a.webp\" type=\"image/webp\"><img src=\"https://wire.example.com/m/a.jpg\"></picture>")]
    public void Relative_urls_become_absolute_against_the_item_link(string html, string expected) =>
        Assert.Equal(expected, HtmlCleaner.Default.Clean(html, ItemLink));

    [Fact]
    public void Without_a_base_url_relative_urls_stay_relative()
    {
        Assert.Equal("<img src=\"/media/a.jpg\">", HtmlCleaner.Default.Clean("<img src=\"/media/a.jpg\">"));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("Plain text, no markup", "Plain text, no markup")]
    [InlineData("  spaced \n\t out  ", "spaced out")]
    [InlineData("5 < 6 & 7 > 3", "5 < 6 & 7 > 3")]
    [InlineData("<p>One</p><p>Two</p>", "One Two")]
    [InlineData("w<b>or</b>d and <a href=\"x\">li</a>nk", "word and link")]
    [InlineData("Tom &amp; Jerry&nbsp;show &lt;b&gt; &#8211; &eacute;t&eacute;", "Tom & Jerry show <b> – été")]
    [InlineData("line<br>break<br/>again", "line break again")]
    [InlineData("<ul><li>x</li><li>y</li></ul><table><tr><td>a</td><td>b</td></tr></table>", "x y a b")]
    [InlineData("<script>var x = '<p>no</p>';</script><style>p{}</style>Visible<noscript>enable js</noscript>", "Visible")]
    [InlineData("<h2>Title</h2>Body<!-- comment -->text", "Title Bodytext")]
    [InlineData("<p>Unclosed <b>bold", "Unclosed bold")]
    public void Plain_text_is_what_a_reader_sees(string html, string expected) =>
        Assert.Equal(expected, HtmlCleaner.ToPlainText(html));

    [Fact]
    public void Deep_or_long_markup_is_read_in_linear_time_without_recursion()
    {
        // Both as large as the limits allow: as deep, and as many elements.
        var deep = string.Concat(Enumerable.Repeat("<span>", HtmlLimits.MaxDepth)) + "deep" + string.Concat(Enumerable.Repeat("</span>", HtmlLimits.MaxDepth));
        var wide = string.Concat(Enumerable.Repeat("<p>x</p>", HtmlLimits.MaxElements));

        Assert.Equal("deep", HtmlCleaner.ToPlainText(deep));
        Assert.Equal(string.Join(' ', Enumerable.Repeat("x", HtmlLimits.MaxElements)), HtmlCleaner.ToPlainText(wide));
    }

    [Theory]
    [InlineData("<div>", "nests elements more than 256 deep")]
    [InlineData("<b><i>", "nests elements more than 256 deep")]
    [InlineData("<table><tr><td>", "nests elements more than 256 deep")]
    [InlineData("<div/>", "nests elements more than 256 deep")] // not self-closing in HTML
    public void Markup_nested_past_the_limit_is_refused_with_the_limit_named(string open, string reason)
    {
        var hostile = string.Concat(Enumerable.Repeat(open, 20_000)) + "x";

        var cleaning = Assert.Throws<RejectedInputException>(() => HtmlCleaner.Default.Clean(hostile));
        var text = Assert.Throws<RejectedInputException>(() => HtmlCleaner.ToPlainText(hostile));

        Assert.Contains(reason, cleaning.Message, StringComparison.Ordinal);
        Assert.Contains(reason, text.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Real_shapes_below_the_limits_pass_unclosed_paragraphs_list_items_svg_and_many_attributes_included()
    {
        var paragraphs = string.Concat(Enumerable.Repeat("<p>unclosed paragraph", 2_000));
        var items = "<ul>" + string.Concat(Enumerable.Repeat("<li>item", 2_000)) + "</ul>";
        var svg = "<svg>" + string.Concat(Enumerable.Repeat("<path d=\"M0 0\"/>", 2_000)) + "</svg><p>after</p>";
        var attributes = "<p " + string.Join(' ', Enumerable.Range(0, HtmlLimits.MaxAttributesPerElement).Select(i => $"data-a{i}=\"{i}\"")) + ">x</p>";

        Assert.Contains("unclosed paragraph", HtmlCleaner.Default.Clean(paragraphs), StringComparison.Ordinal);
        Assert.Contains("item", HtmlCleaner.Default.Clean(items), StringComparison.Ordinal);
        Assert.Contains("after", HtmlCleaner.Default.Clean(svg), StringComparison.Ordinal);
        Assert.Equal("x", HtmlCleaner.ToPlainText(attributes));
        var tooMany = "<p " + string.Join(' ', Enumerable.Range(0, HtmlLimits.MaxAttributesPerElement + 1).Select(i => $"a{i}")) + ">x</p>";
        Assert.Contains("attributes, over the limit of 64", Assert.Throws<RejectedInputException>(() => HtmlCleaner.Default.Clean(tooMany)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cleaner_is_safe_to_share_between_threads()
    {
        var results = new string[64];
        Parallel.For(0, results.Length, i =>
            results[i] = HtmlCleaner.Default.Clean($"<p onclick=\"x()\">{i}</p><img src=\"/a{i}.jpg\"><script>1</script>", ItemLink));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"<p>{i}</p><img src=\"https://wire.example.com/a{i}.jpg\">", results[i]);
        }
    }

    [CorpusFact]
    public void Real_feed_descriptions_lose_their_pixels_and_flare_and_keep_their_text()
    {
        var reuters = Descriptions("feedreader-Rss20Reuters.xml");
        var indianExpress = Descriptions("feedreader-Rss20IndianExpress.xml");

        Assert.NotEmpty(reuters);
        Assert.All(reuters, description =>
        {
            var cleaned = HtmlCleaner.Default.Clean(description, new Uri("http://www.reuters.com/"));
            Assert.DoesNotContain("feedburner", cleaned, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("feedflare", cleaned, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", cleaned, StringComparison.Ordinal);
            Assert.Contains("(Reuters) - ", cleaned, StringComparison.Ordinal);
        });

        // The Indian Express world feed carries no text at all: each description is a WordPress stats pixel.
        Assert.NotEmpty(indianExpress);
        Assert.All(indianExpress, description => Assert.Equal("", HtmlCleaner.Default.Clean(description)));
    }

    private static List<string> Descriptions(string feed) =>
        [.. XDocument.Load(Repository.CorpusFile("upstream-feeds", feed))
            .Descendants("item")
            .Select(item => (string?)item.Element("description") ?? "")
            .Where(d => !Regex.IsMatch(d, @"^\s*$"))];
}
