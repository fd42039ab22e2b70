using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Syndication.Core.Newsletters;
using static Syndication.Tests.Newsletters.DigestFixtures;

namespace Syndication.Tests.Newsletters;

public sealed class NewsletterPagesTests
{
    private static readonly Uri SubscribeAction = new("https://news.example.com/newsletter/subscribe");
    private static readonly Uri UnsubscribeUrl = new("https://news.example.com/newsletter/u/TOKEN_u");
    private static readonly Uri PreferencesUrl = new("https://news.example.com/newsletter/p/TOKEN_p");
    private static readonly Uri ConfirmUrl = new("https://news.example.com/newsletter/c/TOKEN_c");

    private readonly NewsletterPages _pages = new(Options(), DigestFixtures.Catalog);

    public static TheoryData<string> PageNames => ["subscribe", "subscribe-errors", "check-inbox", "confirm", "confirmed", "preferences", "unsubscribe", "unsubscribed", "invalid"];

    private string Render(string name) => name switch
    {
        "subscribe" => _pages.Subscribe(SubscribeAction),
        "subscribe-errors" => _pages.Subscribe(SubscribeAction, "nope", new SubscriptionChoices("india", ["health"], NewsletterCadence.Weekly), [new FormError("email", EmailAddress.Problem)]),
        "check-inbox" => _pages.CheckInbox(),
        "confirm" => _pages.ConfirmButton(ConfirmUrl),
        "confirmed" => _pages.Confirmed(),
        "preferences" => _pages.Preferences(PreferencesUrl, new SubscriptionChoices("india", ["health", "education"], NewsletterCadence.Daily)),
        "unsubscribe" => _pages.UnsubscribeConfirm(UnsubscribeUrl),
        "unsubscribed" => _pages.Unsubscribed(SubscribeAction),
        "invalid" => _pages.LinkInvalid(SubscribeAction),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    [Theory]
    [MemberData(nameof(PageNames))]
    public void Every_page_has_a_language_a_viewport_a_title_a_heading_and_no_external_resources(string name)
    {
        var html = Render(name);
        var document = Parse(html);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        Assert.Equal("width=device-width, initial-scale=1", document.QuerySelector("meta[name=viewport]")!.GetAttribute("content"));
        Assert.Equal("no-referrer", document.QuerySelector("meta[name=referrer]")!.GetAttribute("content"));
        Assert.EndsWith(" - Syndication News", document.Title, StringComparison.Ordinal);
        Assert.Single(document.QuerySelectorAll("h1"));
        Assert.NotNull(document.QuerySelector("main"));
        Assert.Empty(document.QuerySelectorAll("script, link, img, iframe, object"));
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PageNames))]
    public void Every_input_and_select_has_a_label(string name)
    {
        var document = Parse(Render(name));

        foreach (var control in document.QuerySelectorAll("input, select, textarea"))
        {
            var id = control.Id;
            var labelled = (id is { Length: > 0 } && document.QuerySelector($"label[for='{id}']") is { TextContent.Length: > 0 })
                || control.Closest("label") is not null;
            Assert.True(labelled, $"{control.OuterHtml} has no label");
        }
    }

    [Fact]
    public void The_subscribe_form_posts_email_edition_sectors_and_cadence()
    {
        var document = Parse(_pages.Subscribe(SubscribeAction));
        var form = (IHtmlFormElement)document.QuerySelector("form")!;

        Assert.Equal("post", form.Method);
        Assert.Equal(SubscribeAction.AbsoluteUri, form.GetAttribute("action"));
        var email = (IHtmlInputElement)document.QuerySelector("input[name=email]")!;
        Assert.Equal("email", email.Type);
        Assert.Equal("email", email.GetAttribute("autocomplete"));
        Assert.True(email.IsRequired);
        Assert.Equal(DigestFixtures.Catalog.Editions.Select(e => e.Id), document.QuerySelectorAll("select[name=edition] option").Select(o => o.GetAttribute("value")));
        Assert.Equal(DigestFixtures.Catalog.Sectors.Select(s => s.Id), document.QuerySelectorAll("input[name=sectors][type=checkbox]").Select(i => i.GetAttribute("value")));
        Assert.Equal(["daily", "weekly"], document.QuerySelectorAll("input[name=cadence][type=radio]").Select(i => i.GetAttribute("value")));
        Assert.True(((IHtmlInputElement)document.QuerySelector("#cadence-daily")!).IsChecked);
        Assert.Equal("Sectors", document.QuerySelector("fieldset#sectors legend")!.TextContent);
        Assert.Equal("Once a week, on Mondays", document.QuerySelector("label[for=cadence-weekly]")!.TextContent);
        Assert.Empty(document.QuerySelectorAll("[role=alert]"));
    }

    [Fact]
    public void After_a_failed_post_the_form_keeps_what_was_typed_and_points_at_the_error()
    {
        var document = Parse(Render("subscribe-errors"));

        Assert.StartsWith("Error: ", document.Title, StringComparison.Ordinal);
        var summary = document.QuerySelector("[role=alert]")!;
        Assert.Equal("#email", summary.QuerySelector("a")!.GetAttribute("href"));
        var email = document.QuerySelector("#email")!;
        Assert.Equal("nope", email.GetAttribute("value"));
        Assert.Equal("true", email.GetAttribute("aria-invalid"));
        Assert.Equal(EmailAddress.Problem, document.GetElementById(email.GetAttribute("aria-describedby")!)!.TextContent);
        Assert.True(((IHtmlInputElement)document.QuerySelector("#sector-health")!).IsChecked);
        Assert.False(((IHtmlInputElement)document.QuerySelector("#sector-economy")!).IsChecked);
        Assert.True(((IHtmlInputElement)document.QuerySelector("#cadence-weekly")!).IsChecked);
        Assert.Equal("india", ((IHtmlSelectElement)document.QuerySelector("#edition")!).Value);
    }

    [Fact]
    public void What_was_typed_is_html_encoded()
    {
        var html = _pages.Subscribe(SubscribeAction, "\"><script>alert(1)</script>", null, [new FormError("email", "<b>bad</b>")]);
        var document = Parse(html);

        Assert.Empty(document.QuerySelectorAll("script, b"));
        Assert.Equal("\"><script>alert(1)</script>", document.QuerySelector("#email")!.GetAttribute("value"));
        Assert.Equal("<b>bad</b>", document.QuerySelector("#email-error")!.TextContent);
    }

    [Theory]
    [InlineData("unsubscribe", "https://news.example.com/newsletter/u/TOKEN_u", "Unsubscribe")]
    [InlineData("confirm", "https://news.example.com/newsletter/c/TOKEN_c", "Confirm my subscription")]
    public void A_link_that_changes_state_shows_a_post_button_no_script_and_no_link_to_another_purpose(string name, string action, string button)
    {
        var html = Render(name);
        var document = Parse(html);
        var form = (IHtmlFormElement)Assert.Single(document.QuerySelectorAll("form"));

        Assert.Equal("post", form.Method);
        Assert.Equal(action, form.GetAttribute("action"));
        Assert.Equal(button, document.QuerySelector("form button")!.TextContent);
        Assert.Equal("submit", document.QuerySelector("form button")!.GetAttribute("type"));
        Assert.Empty(document.QuerySelectorAll("script, [onload], [autofocus], meta[http-equiv=refresh]"));
        Assert.DoesNotContain(document.QuerySelectorAll("main a"), a => a.GetAttribute("href")!.Contains("/newsletter/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_preferences_form_shows_the_current_choices_has_no_email_and_unsubscribes_through_its_own_link()
    {
        var document = Parse(_pages.Preferences(PreferencesUrl, new SubscriptionChoices("africa", ["energy", "transport"], NewsletterCadence.Weekly), saved: true));

        Assert.Null(document.QuerySelector("input[name=email]"));
        Assert.Equal(PreferencesUrl.AbsoluteUri, document.QuerySelector("form")!.GetAttribute("action"));
        Assert.Equal("africa", ((IHtmlSelectElement)document.QuerySelector("#edition")!).Value);
        Assert.Equal(["energy", "transport"], document.QuerySelectorAll("input[name=sectors]").Cast<IHtmlInputElement>().Where(i => i.IsChecked).Select(i => i.Value));
        Assert.True(((IHtmlInputElement)document.QuerySelector("#cadence-weekly")!).IsChecked);
        Assert.Equal("Your preferences are saved.", document.QuerySelector("[role=status]")!.TextContent);
        var leave = document.QuerySelectorAll("form")[^1];
        Assert.Equal(PreferencesUrl.AbsoluteUri, leave.GetAttribute("action"));
        Assert.Equal(("action", "unsubscribe"), (leave.QuerySelector("button")!.GetAttribute("name"), leave.QuerySelector("button")!.GetAttribute("value")));
        Assert.Empty(document.QuerySelectorAll("main a"));
    }

    [Theory]
    [InlineData("check-inbox", "Check your inbox")]
    [InlineData("confirmed", "You are subscribed")]
    [InlineData("unsubscribed", "You are unsubscribed")]
    [InlineData("invalid", "This link does not work")]
    public void Message_pages_say_what_happened(string name, string heading)
    {
        Assert.Equal(heading, Parse(Render(name)).QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public void Check_your_inbox_says_the_same_for_every_address_and_shows_none()
    {
        var html = _pages.CheckInbox();

        Assert.Contains("7 days", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@", Parse(html).QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }
}

public sealed class SubscriptionFormTests
{
    private static Dictionary<string, IReadOnlyList<string>> Fields(string? email = "priya.nair@example.com", string? edition = "india", string[]? sectors = null, string? cadence = "daily")
    {
        var fields = new Dictionary<string, IReadOnlyList<string>>();
        if (email is not null)
        {
            fields["email"] = [email];
        }

        if (edition is not null)
        {
            fields["edition"] = [edition];
        }

        fields["sectors"] = sectors ?? ["health", "education"];
        if (cadence is not null)
        {
            fields["cadence"] = [cadence];
        }

        return fields;
    }

    [Fact]
    public void A_complete_form_gives_the_address_and_choices()
    {
        var result = SubscriptionForm.Read(Fields(email: " Priya.Nair@EXAMPLE.com ", sectors: ["Health", "education", "health"], cadence: "weekly"), DigestFixtures.Catalog, requireEmail: true);

        Assert.True(result.IsValid);
        Assert.Equal("Priya.Nair@example.com", result.Email!.Value);
        Assert.Equal("india", result.Choices.Edition);
        Assert.Equal(NewsletterCadence.Weekly, result.Choices.Cadence);
        Assert.Equal(["health", "education"], result.Choices.Sectors);
    }

    [Fact]
    public void No_sectors_and_no_cadence_mean_every_sector_daily()
    {
        var result = SubscriptionForm.Read(Fields(sectors: [], cadence: null), DigestFixtures.Catalog, requireEmail: true);

        Assert.True(result.IsValid);
        Assert.Empty(result.Choices.Sectors);
        Assert.Equal(NewsletterCadence.Daily, result.Choices.Cadence);
    }

    [Theory]
    [InlineData("not an email", "india", "health", "daily", "email")]
    [InlineData("a@example.com\r\nBcc: b@example.com", "india", "health", "daily", "email")]
    [InlineData("a@example.com", "mars", "health", "daily", "edition")]
    [InlineData("a@example.com", "india", "astrology", "daily", "sectors")]
    [InlineData("a@example.com", "india", "health", "hourly", "cadence")]
    public void Each_wrong_field_is_named(string email, string edition, string sector, string cadence, string field)
    {
        var result = SubscriptionForm.Read(Fields(email, edition, [sector], cadence), DigestFixtures.Catalog, requireEmail: true);

        Assert.False(result.IsValid);
        Assert.Equal(field, Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void The_preferences_form_needs_no_email()
    {
        Assert.True(SubscriptionForm.Read(Fields(email: null), DigestFixtures.Catalog, requireEmail: false).IsValid);
        Assert.Equal("email", Assert.Single(SubscriptionForm.Read(Fields(email: null), DigestFixtures.Catalog, requireEmail: true).Errors).Field);
    }
}
