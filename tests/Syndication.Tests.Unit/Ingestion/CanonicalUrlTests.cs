using Syndication.Core.Ingestion.Normalization;

namespace Syndication.Tests.Ingestion;

public sealed class CanonicalUrlTests
{
    [Theory]
    // Campaign tags of real feeds and shares.
    [InlineData(
        "https://www.theguardian.com/world/2018/jan/31/top-secret-files?utm_source=twitter&utm_medium=social&utm_campaign=sharebutton",
        "https://www.theguardian.com/world/2018/jan/31/top-secret-files")]
    [InlineData(
        "http://www.lemonde.fr/afrique/article/2017/01/07/le-nouveau-president-ghaneen-investi_5059307_3212.html?xtor=RSS-3208",
        "http://www.lemonde.fr/afrique/article/2017/01/07/le-nouveau-president-ghaneen-investi_5059307_3212.html")]
    [InlineData(
        "http://www.heise.de/developer/meldung/Facebook-schliesst-Parse-Plattform-3086857.html?wt_mc=rss.developer.beitrag.atom",
        "http://www.heise.de/developer/meldung/Facebook-schliesst-Parse-Plattform-3086857.html")]
    [InlineData(
        "http://www.dailymail.co.uk/news/worldnews/index.html?ITO=1490&ns_mchannel=rss&ns_campaign=1490",
        "http://www.dailymail.co.uk/news/worldnews/index.html")]
    [InlineData(
        "http://www.reuters.com/article/us-iraq-turkey-idUSKBN14R0DC?feedType=RSS&feedName=worldNews",
        "http://www.reuters.com/article/us-iraq-turkey-idUSKBN14R0DC")]
    [InlineData(
        "https://www.nytimes.com/2017/01/06/us/politics/trump-wall.html?smid=tw-nytimes&smtyp=cur",
        "https://www.nytimes.com/2017/01/06/us/politics/trump-wall.html")]
    [InlineData(
        "https://indianexpress.com/article/world/china-takes-global-lead-in-clean-energy-report-4463964/?fbclid=IwAR2xYz",
        "https://indianexpress.com/article/world/china-takes-global-lead-in-clean-energy-report-4463964/")]
    [InlineData(
        "https://example.com/story?gclid=abc&dclid=def&msclkid=ghi&mc_cid=1&mc_eid=2&igshid=3&_ga=2.1.2.3&yclid=4&ref_src=twsrc&cmpid=5",
        "https://example.com/story")]
    [InlineData("https://example.com/story?UTM_SOURCE=x&Utm_Medium=y&utm%5Fcampaign=z", "https://example.com/story")]
    // Other parameters stay, as written and in their order.
    [InlineData(
        "https://www.devdiscourse.com/article/politics/2024?id=3185&utm_source=newsletter&page=2&utm_medium=email&lang=en",
        "https://www.devdiscourse.com/article/politics/2024?id=3185&page=2&lang=en")]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL1&si=abc", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL1&si=abc")]
    [InlineData("https://example.com/search?q=caf%C3%A9+cr%C3%A8me&utm_term=x", "https://example.com/search?q=caf%C3%A9+cr%C3%A8me")]
    [InlineData("https://example.com/a?b=1&&c=2&", "https://example.com/a?b=1&c=2")]
    [InlineData("https://example.com/a?ref=homepage&source=rss", "https://example.com/a?ref=homepage&source=rss")]
    // Scheme, host, port and fragment.
    [InlineData("HTTPS://WWW.Example.COM/News/Story.html", "https://www.example.com/News/Story.html")]
    [InlineData("http://example.com:80/a", "http://example.com/a")]
    [InlineData("https://example.com:443/a", "https://example.com/a")]
    [InlineData("https://example.com:8443/a", "https://example.com:8443/a")]
    [InlineData("http://example.com:443/a", "http://example.com:443/a")]
    [InlineData("https://example.com/story#comments", "https://example.com/story")]
    [InlineData("https://example.com/story?utm_source=x#section-2", "https://example.com/story")]
    [InlineData("https://example.com", "https://example.com/")]
    [InlineData("  https://example.com/padded  ", "https://example.com/padded")]
    [InlineData("https://user:secret@example.com/a", "https://example.com/a")]
    [InlineData("https://bücher.example/ä", "https://xn--bcher-kva.example/%C3%A4")]
    [InlineData("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a")]
    public void Tracking_goes_and_the_rest_is_kept_in_one_spelling(string url, string canonical) =>
        Assert.Equal(canonical, CanonicalUrl.Normalize(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("story.html")]
    [InlineData("ftp://example.com/file")]
    [InlineData("mailto:desk@example.com")]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("urn:newsml:example.com:20261125:story")]
    public void Anything_but_an_absolute_http_url_has_none(string? url) =>
        Assert.Null(CanonicalUrl.Normalize(url));

    [Fact]
    public void Normalizing_twice_changes_nothing()
    {
        var once = CanonicalUrl.Normalize("HTTP://Example.com:80/a/./b/../c?x=1&utm_source=y#f")!;

        Assert.Equal("http://example.com/a/c?x=1", once);
        Assert.Equal(once, CanonicalUrl.Normalize(once));
    }
}
