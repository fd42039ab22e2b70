using System.Text;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;
using static Syndication.Tests.Newsletters.DigestFixtures;

namespace Syndication.Tests.Newsletters;

public sealed class DigestRendererTests
{
    private readonly DigestRenderer _renderer = new(Options(), DigestFixtures.Catalog);

    private static IHtmlDocument Html(DigestMessage message) => new HtmlParser().ParseDocument(message.Html);

    private DigestMessage Render(DigestIssue? issue = null, DigestRecipient? recipient = null) =>
        _renderer.ForIssue(issue ?? SampleIssue()).Render(recipient ?? Recipient());

    [Fact]
    public void The_html_is_a_600px_email_with_color_scheme_meta_preheader_and_view_in_browser_link()
    {
        var document = Html(Render());

        Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        Assert.Equal("light dark", document.QuerySelector("meta[name=color-scheme]")!.GetAttribute("content"));
        Assert.Equal("light dark", document.QuerySelector("meta[name=supported-color-schemes]")!.GetAttribute("content"));
        Assert.NotNull(document.QuerySelector("meta[name=viewport]"));
        Assert.Equal("600", document.QuerySelector("table.container")!.GetAttribute("width"));
        var preheader = document.QuerySelector("div.pre")!;
        Assert.Contains("display: none", preheader.GetAttribute("style"), StringComparison.Ordinal);
        Assert.StartsWith("Officials said", preheader.TextContent, StringComparison.Ordinal);
        var view = document.QuerySelectorAll("a").First(a => a.TextContent == "View in browser");
        Assert.Equal("https://news.example.com/newsletter/archive/india/2026-11-25", view.GetAttribute("href"));
        Assert.Contains("India edition", document.QuerySelector(".meta")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Wednesday, 25 November 2026", document.QuerySelector(".meta")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Css_is_inlined_once_and_only_media_queries_stay_in_a_style_block()
    {
        var document = Html(Render());

        var style = Assert.Single(document.QuerySelectorAll("style")).TextContent;
        Assert.Contains("@media (prefers-color-scheme: dark)", style, StringComparison.Ordinal);
        Assert.Contains("max-width:620px", style, StringComparison.Ordinal);
        Assert.DoesNotContain(".story{", style, StringComparison.Ordinal);
        Assert.Contains("border-bottom: 1px solid #e5e7eb", document.QuerySelector("td.story")!.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Contains("text-decoration: none", document.QuerySelector(".hl a")!.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Empty(document.QuerySelectorAll("link, script"));
    }

    [Fact]
    public void Stories_are_those_of_the_readers_sectors_with_linked_headline_summary_label_and_image_alt()
    {
        var document = Html(Render(recipient: Recipient(sectors: ["health", "education"])));

        var stories = document.QuerySelectorAll("td.story").ToList();
        Assert.Equal(3, stories.Count);
        var headlines = stories.Select(s => s.QuerySelector(".hl a")!).ToList();
        Assert.Equal(["https://news.example.com/news/story-1", "https://news.example.com/news/story-4", "https://news.example.com/news/story-5"], headlines.Select(a => a.GetAttribute("href")));
        Assert.StartsWith("Story 1: monsoon crop insurance", headlines[0].TextContent, StringComparison.Ordinal);
        Assert.Equal(["Health", "Health", "Education · Analysis"], stories.Select(s => s.QuerySelector(".label")!.TextContent));
        Assert.All(stories, s => Assert.NotEmpty(s.QuerySelector(".sum")!.TextContent));
        var image = Assert.Single(document.Images);
        Assert.Equal("Farmers in a field, story 1", image.AlternativeText);
        Assert.Equal("https://cdn.example.com/images/story-1.jpg", image.Source);
        Assert.Equal("568", image.GetAttribute("width"));
        Assert.Equal("379", image.GetAttribute("height"));
    }

    [Fact]
    public void A_reader_without_sectors_gets_every_story_and_one_whose_sectors_have_none_gets_them_with_a_note()
    {
        var all = Html(Render(recipient: Recipient(sectors: [])));
        var none = _renderer.ForIssue(SampleIssue()).Prepared(["sport"]);
        var noneHtml = Html(_renderer.Personalize(none, Recipient(sectors: ["sport"])));

        Assert.Equal(5, all.QuerySelectorAll("td.story").Length);
        Assert.Null(all.QuerySelector(".note"));
        Assert.True(none.FellBackToAllSectors);
        Assert.Equal(5, noneHtml.QuerySelectorAll("td.story").Length);
        Assert.Contains("Nothing new in your sectors today", noneHtml.QuerySelector(".note")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_trending_list_is_numbered_in_rank_order_and_capped()
    {
        var renderer = new DigestRenderer(new NewsletterOptions { MaxTrending = 5, PublicBaseUrl = "https://news.example.com/newsletter" }, DigestFixtures.Catalog);
        var document = Html(renderer.ForIssue(SampleIssue()).Render(Recipient()));

        Assert.Equal("TRENDING", document.QuerySelector(".th")!.TextContent);
        Assert.Equal(["1", "2", "3", "4", "5"], document.QuerySelectorAll("td.rank").Select(r => r.TextContent));
        Assert.Equal("https://news.example.com/news/trending-1", document.QuerySelector("td.ti a")!.GetAttribute("href"));
        Assert.Equal("Trending story number 1 about the grid", document.QuerySelector("td.ti a")!.TextContent);
    }

    [Fact]
    public void The_footer_has_the_readers_own_unsubscribe_and_preferences_links_and_the_publisher()
    {
        var priya = Html(Render(recipient: Recipient(n: 1)));
        var rahul = Html(Render(recipient: Recipient("rahul.mehta@example.org", n: 2)));

        var footer = priya.QuerySelector("td.foot")!;
        var links = footer.QuerySelectorAll("a").ToDictionary(a => a.TextContent, a => a.GetAttribute("href"));
        Assert.Equal("https://news.example.com/newsletter/u/UNSUBtoken1", links["Unsubscribe"]);
        Assert.Equal("https://news.example.com/newsletter/p/PREFtoken1", links["Manage preferences"]);
        Assert.Contains("Syndication News Ltd, 1 Example Street, Mumbai 400001, India", footer.TextContent, StringComparison.Ordinal);
        Assert.Contains("for Education, Health", footer.TextContent, StringComparison.Ordinal);
        Assert.Equal("https://news.example.com/newsletter/u/UNSUBtoken2", rahul.QuerySelectorAll("td.foot a").Single(a => a.TextContent == "Unsubscribe").GetAttribute("href"));
    }

    [Fact]
    public void Article_text_is_html_encoded_and_unsafe_urls_are_dropped()
    {
        var hostile = Story(9, "health", image: true) with
        {
            Headline = "<script>alert(1)</script> & \"quotes\" <img src=x onerror=alert(2)>",
            Summary = "</td></tr></table><a href=\"https://evil.example\">click</a>",
            Image = new ArticleImage(new Uri("javascript:alert(3)"), "x\" onload=\"alert(4)"),
        };
        var message = Render(Issue([hostile]));
        var document = Html(message);

        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Empty(document.Images);
        Assert.DoesNotContain(document.QuerySelectorAll("a"), a => a.GetAttribute("href")!.Contains("evil", StringComparison.Ordinal));
        Assert.DoesNotContain("javascript:", message.Html, StringComparison.Ordinal);
        Assert.Equal("<script>alert(1)</script> & \"quotes\" <img src=x onerror=alert(2)>", document.QuerySelector(".hl a")!.TextContent);
        Assert.Equal("</td></tr></table><a href=\"https://evil.example\">click</a>", document.QuerySelector(".sum")!.TextContent);
    }

    [Fact]
    public void Text_that_looks_like_a_slot_marker_is_left_alone()
    {
        var story = Story(1, "health") with { Headline = "zs00000000000000000000000000000000000e zs0e and {{ unsubscribe_url }}" };

        var document = Html(Render(Issue([story])));

        Assert.Equal("zs00000000000000000000000000000000000e zs0e and {{ unsubscribe_url }}", document.QuerySelector(".hl a")!.TextContent);
    }

    [Fact]
    public void The_greeting_uses_the_name_encoded_and_cleaned()
    {
        var message = Render(recipient: Recipient(name: "Priya <b>Nair</b>\r\nBcc: everyone@example.org"));

        Assert.Equal("Hello Priya <b>Nair</b> Bcc: everyone@example.org,", Html(message).QuerySelector("td.greet")!.TextContent);
        Assert.DoesNotContain("<b>Nair", message.Html, StringComparison.Ordinal);
        Assert.Equal("Priya <b>Nair</b> Bcc: everyone@example.org", message.ToName);
        Assert.Contains("Hello Priya <b>Nair</b> Bcc: everyone@example.org,", message.Text, StringComparison.Ordinal);
        Assert.Equal("Hello,", Html(Render()).QuerySelector("td.greet")!.TextContent);
    }

    [Fact]
    public void The_plain_text_has_the_same_stories_trending_and_links()
    {
        var message = Render();
        var text = message.Text;

        Assert.Contains("View in your browser: https://news.example.com/newsletter/archive/india/2026-11-25", text, StringComparison.Ordinal);
        Assert.Contains("1. Story 1: monsoon crop insurance claims settled faster", text, StringComparison.Ordinal);
        Assert.Contains("3. Story 5: monsoon crop insurance claims settled faster", text, StringComparison.Ordinal);
        Assert.Contains("   https://news.example.com/news/story-4", text, StringComparison.Ordinal);
        Assert.Contains("   Education · Analysis", text, StringComparison.Ordinal);
        Assert.Contains("TRENDING\n1. Trending story number 1 about the grid\n   https://news.example.com/news/trending-1", text, StringComparison.Ordinal);
        Assert.Contains("10. Trending story number 10 about the grid", text, StringComparison.Ordinal);
        Assert.Contains("Manage preferences: https://news.example.com/newsletter/p/PREFtoken0", text, StringComparison.Ordinal);
        Assert.Contains("Unsubscribe: https://news.example.com/newsletter/u/UNSUBtoken0", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Story 2:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<", text, StringComparison.Ordinal);
        Assert.DoesNotContain("&amp;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sixty_long_articles_stay_under_gmails_clipping_size()
    {
        var stories = Enumerable.Range(1, 60).Select(i => Story(i, i % 2 == 0 ? "health" : "education", summaryLength: 2000, image: true) with
        {
            Headline = DigestFixtures.Words(400),
        }).ToList();

        foreach (var maxStories in new[] { 12, 50 })
        {
            var renderer = new DigestRenderer(Options(maxStories), DigestFixtures.Catalog);
            var prepared = renderer.ForIssue(Issue(stories, trending: 20)).Prepared(["health", "education"]);
            var message = renderer.Personalize(prepared, Recipient(name: new string('N', 500)));
            var bytes = Encoding.UTF8.GetByteCount(message.Html);

            Assert.True(bytes < 100 * 1024, $"{bytes} bytes with at most {maxStories} stories");
            Assert.True(prepared.MaximumHtmlBytes <= DigestRenderer.HtmlByteBudget);
            Assert.InRange(prepared.StoryCount, 5, maxStories);
            Assert.Equal(prepared.StoryCount, Html(message).QuerySelectorAll("td.story").Length);
            Assert.All(Html(message).QuerySelectorAll(".hl a"), a => Assert.True(a.TextContent.Length <= DigestRenderer.MaximumHeadlineLength));
        }
    }

    [Fact]
    public void Each_sector_selection_is_prepared_once_however_many_readers_share_it()
    {
        var issue = _renderer.ForIssue(SampleIssue());

        for (var i = 0; i < 50; i++)
        {
            issue.Render(Recipient(sectors: i % 2 == 0 ? ["health", "education"] : ["Education", "health", "health"], n: i));
            issue.Render(Recipient(sectors: ["economy"], n: i));
        }

        Assert.Equal(2, issue.PreparedVariants);
        Assert.Same(issue.Prepared(["health", "education"]), issue.Prepared(["education", "health"]));
    }

    [Fact]
    public void Personalizing_a_prepared_digest_equals_rendering_it_from_scratch_for_that_reader()
    {
        var prepared = _renderer.Prepare(SampleIssue(), ["health", "education"]);

        var a = _renderer.Personalize(prepared, Recipient(n: 1));
        var b = new DigestRenderer(Options(), DigestFixtures.Catalog).ForIssue(SampleIssue()).Render(Recipient(n: 1));

        Assert.Equal(b.Html, a.Html);
        Assert.Equal(b.Text, a.Text);
        Assert.Equal(b.Subject, a.Subject);
    }

    [Fact]
    public void The_subject_names_the_edition_and_the_local_date_of_the_issue()
    {
        var schedule = new SendSchedule(DigestFixtures.Catalog.FindEdition("asia-pacific")!, new TimeOnly(7, 0));
        var decision = schedule.Evaluate(new DateTimeOffset(2026, 11, 24, 23, 5, 0, TimeSpan.Zero), null);
        var issue = SampleIssue() with { Edition = schedule.Edition, IssueKey = decision.IssueKey, LocalDate = decision.LocalDate };

        Assert.Equal("Syndication News Asia Pacific daily digest: Wednesday, 25 November 2026", _renderer.Subject(issue));
        Assert.Equal("Syndication News India weekly digest: Wednesday, 25 November 2026", _renderer.Subject(SampleIssue() with { Cadence = NewsletterCadence.Weekly }));
    }

    [Fact]
    public void Header_values_never_contain_line_breaks_even_from_a_hostile_configuration()
    {
        var catalog = new PublicationCatalog(new SyndicationOptions { Site = new SiteOptions { Name = "News\r\nBcc: all@example.org" } });
        var edition = new Edition("india", "India\nX-Spam: no", "Asia/Kolkata", ["IN"]);
        var renderer = new DigestRenderer(Options(), catalog);

        var message = renderer.ForIssue(SampleIssue() with { Edition = edition }).Render(Recipient(name: "A\r\nB\u2028C\u0085D"));

        Assert.Equal("News Bcc: all@example.org India X-Spam: no daily digest: Wednesday, 25 November 2026", message.Subject);
        Assert.Equal("A B C D", message.ToName);
        Assert.All(new[] { message.Subject, message.ToName!, message.ToAddress }.Concat(message.Headers.Values).Concat(message.Headers.Keys), value =>
            Assert.DoesNotContain(value, c => char.IsControl(c) || c is '\u2028' or '\u2029'));
    }

    [Fact]
    public void List_unsubscribe_headers_offer_one_click_https_and_mailto()
    {
        var message = Render(recipient: Recipient(n: 7));

        Assert.Equal("<https://news.example.com/newsletter/u/UNSUBtoken7>, <mailto:unsubscribe@news.example.com?subject=unsubscribe-UNSUBtoken7>", message.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("india/2026-11-25", message.CustomArgs["issue"]);
        Assert.Equal(Recipient(n: 7).SubscriberId, message.CustomArgs["subscriber"]);
        Assert.Equal("priya.nair@example.com", message.ToAddress);
    }

    [Fact]
    public void Tokens_that_are_not_base64url_are_refused_before_they_reach_a_header()
    {
        Assert.Throws<ArgumentException>(() => Render(recipient: Recipient() with { UnsubscribeToken = "abc>\r\nBcc: x" }));
        Assert.Throws<ArgumentException>(() => Render(recipient: Recipient() with { PreferencesToken = "../admin" }));
    }

    [Fact]
    public void Real_tokens_and_ids_round_trip_through_the_links()
    {
        var tokens = new SubscriberTokens(new TokenKeyRing("k1", new Dictionary<string, byte[]> { ["k1"] = new byte[32] }), TimeProvider.System);
        var ids = new SubscriberIds(new byte[32]);
        var email = EmailAddress.Parse("priya.nair@example.com");
        var id = ids.IdFor(email);
        var recipient = new DigestRecipient
        {
            Email = email,
            SubscriberId = id,
            UnsubscribeToken = tokens.Issue(TokenPurpose.Unsubscribe, id),
            PreferencesToken = tokens.Issue(TokenPurpose.Preferences, id),
        };

        var document = Html(Render(recipient: recipient));
        var href = document.QuerySelectorAll("td.foot a").Single(a => a.TextContent == "Unsubscribe").GetAttribute("href")!;
        var token = href[(href.LastIndexOf('/') + 1)..];

        Assert.Equal(id, tokens.Verify(token, TokenPurpose.Unsubscribe).Token!.SubscriberId);
    }
}

public sealed class MailTextTests
{
    [Theory]
    [InlineData("Plain subject", "Plain subject")]
    [InlineData("  Line\r\nBcc: x@example.org  ", "Line Bcc: x@example.org")]
    [InlineData("a\rb\nc\td\u0000e\u2028f\u2029g\u0085h", "a b c d e f g h")]
    [InlineData("\r\n", "")]
    [InlineData(null, "")]
    public void Header_values_lose_control_characters_and_line_breaks(string? input, string expected)
    {
        Assert.Equal(expected, MailText.HeaderValue(input));
    }

    [Fact]
    public void Long_header_values_are_cut_at_a_word_with_an_ellipsis()
    {
        var value = MailText.HeaderValue(string.Join(' ', Enumerable.Repeat("word", 100)), 50);

        Assert.True(value.Length <= 50);
        Assert.EndsWith("word\u2026", value, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncation_never_splits_a_surrogate_pair()
    {
        var value = MailText.Truncate(new string('x', 8) + "\U0001F600\U0001F600\U0001F600", 10);

        Assert.False(char.IsHighSurrogate(value[^2]) && !char.IsLowSurrogate(value[^1]));
        Assert.Equal(new string('x', 8) + "\u2026", value);
    }
}

public sealed class NewsletterOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(new NewsletterOptions().Validate());
        Assert.Equal(new TimeOnly(7, 0), new NewsletterOptions().SendAtTime);
    }

    [Fact]
    public void Every_wrong_setting_is_named()
    {
        var errors = new NewsletterOptions
        {
            PublicBaseUrl = "ftp://news.example.com",
            UnsubscribeMailbox = "unsubscribe",
            SendAt = "7am",
            MaxStories = 0,
            MaxTrending = 50,
            ConfirmTokenDays = 90,
        }.Validate();

        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.Contains("PublicBaseUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SendAt", StringComparison.Ordinal));
        Assert.Single(new NewsletterOptions { PublicBaseUrl = "https://news.example.com/" + new string('a', 200) }.Validate());
        Assert.Throws<ArgumentException>(() => new DigestRenderer(new NewsletterOptions { MaxStories = 0 }, DigestFixtures.Catalog));
    }

    [Fact]
    public void Links_put_the_token_in_the_path_and_list_unsubscribe_offers_https_first()
    {
        var links = new NewsletterLinks(new NewsletterOptions { PublicBaseUrl = "https://news.example.com/newsletter/" });

        Assert.Equal("https://news.example.com/newsletter/u/abc-_1", links.Unsubscribe("abc-_1").AbsoluteUri);
        Assert.Equal("https://news.example.com/newsletter/p/abc", links.Preferences("abc").AbsoluteUri);
        Assert.Equal("https://news.example.com/newsletter/c/abc", links.Confirm("abc").AbsoluteUri);
        Assert.Equal("https://news.example.com/newsletter/subscribe", links.Subscribe().AbsoluteUri);
        Assert.Equal("<https://news.example.com/newsletter/u/abc>, <mailto:unsubscribe@news.example.com?subject=unsubscribe-abc>", links.ListUnsubscribe("abc"));
        Assert.Throws<ArgumentException>(() => links.Confirm("a/b"));
    }
}
