using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Newsletters;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Newsletters;

/// <summary>Runs only where Debian's <c>chromium</c> is installed; in CI (<c>CI</c> set) a missing browser fails the test instead.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.ExecutablePath is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = "chromium is not installed here (sudo apt-get install -y chromium); CI installs it and runs this test.";
        }
    }
}

internal static class Chromium
{
    public static string? ExecutablePath { get; } =
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
}

/// <summary>The newsletter pages in a real headless Chromium, served by <c>syndication serve</c> through the Functions app's handlers.</summary>
public sealed class NewsletterPagesBrowserTests
{
    [ChromiumFact]
    public async Task A_reader_subscribes_confirms_with_the_button_changes_preferences_and_unsubscribes_with_the_button()
    {
        await using var serve = await LocalServe.StartAsync();
        var store = serve.Get<SubscriberStore>();
        var id = serve.Get<SubscriberIds>().IdFor(EmailAddress.Parse("asha@example.com"));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Args = ["--no-sandbox"],
            Headless = true,
        });

        // A phone-sized window: the form must fit without sideways scrolling.
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 360, Height = 740 } });
        await page.GotoAsync(serve.Host.SubscribeUrl.AbsoluteUri);
        Assert.Equal("Get the Syndication News newsletter", await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));

        // A mistake first: the error is announced and tied to the field, and what was typed stays.
        await page.GetByLabel("Email address").FillAsync("asha@example");
        await page.EvaluateAsync("document.querySelector('form').noValidate = true"); // past the browser's own check, to see ours
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        Assert.Contains(EmailAddress.Problem, await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.GetByLabel("Email address").GetAttributeAsync("aria-invalid"));

        await page.GetByLabel("Email address").FillAsync("asha@example.com");
        await page.GetByLabel("Edition").SelectOptionAsync("india");
        await page.GetByLabel("Health").CheckAsync();
        await page.GetByLabel("Once a week", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        Assert.Equal("Check your inbox", await page.Locator("h1").InnerTextAsync());

        // The link in the confirmation email, as the reader clicks it: a page that asks, and a button.
        var eml = await serve.WaitForEmailAsync($"confirm/{id}.eml");
        Assert.Equal(SubscriberState.Pending, (await store.GetAsync(id, CancellationToken.None))!.State);
        var link = Regex.Match(SubscriptionServiceTests.TextPart(eml), @"https?://\S+/c/[A-Za-z0-9_-]+").Value;
        Assert.StartsWith(serve.Url("newsletter/c/").AbsoluteUri, link, StringComparison.Ordinal);
        await page.GotoAsync(link);
        Assert.Equal("Confirm your subscription", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(SubscriberState.Pending, (await store.GetAsync(id, CancellationToken.None))!.State);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my subscription" }).ClickAsync();
        Assert.Equal("You are subscribed", await page.Locator("h1").InnerTextAsync());
        var subscriber = (await store.GetAsync(id, CancellationToken.None))!;
        Assert.Equal((SubscriberState.Confirmed, "india", NewsletterCadence.Weekly), (subscriber.State, subscriber.Edition, subscriber.Cadence));
        Assert.Equal(["health"], subscriber.Sectors);

        // The preferences link every newsletter carries.
        var tokens = serve.Get<SubscriberTokens>();
        await page.GotoAsync(serve.Url("newsletter/p/" + tokens.Issue(TokenPurpose.Preferences, id)).AbsoluteUri);
        Assert.Equal("Your newsletter preferences", await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.GetByLabel("Health").IsCheckedAsync());
        await page.GetByLabel("Energy & Extractives").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save preferences" }).ClickAsync();
        Assert.Equal("Your preferences are saved.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal(["energy", "health"], (await store.GetAsync(id, CancellationToken.None))!.Sectors.Order(StringComparer.Ordinal));

        // The unsubscribe link every newsletter carries: following it only asks; the button unsubscribes.
        await page.GotoAsync(serve.Url("newsletter/u/" + tokens.Issue(TokenPurpose.Unsubscribe, id)).AbsoluteUri);
        Assert.Equal("Unsubscribe", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(SubscriberState.Confirmed, (await store.GetAsync(id, CancellationToken.None))!.State);
        await page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();
        Assert.Equal("You are unsubscribed", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(SubscriberState.Unsubscribed, (await store.GetAsync(id, CancellationToken.None))!.State);
    }
}
