using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
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

/// <summary>The newsletter pages in a real headless Chromium, served by the same service the HTTP functions call.</summary>
public sealed class NewsletterPagesBrowserTests
{
    /// <summary>The functions' routes on a loopback Kestrel, each calling the service as its function does.</summary>
    private static async Task HandleAsync(HttpContext context, SubscriptionService service)
    {
        var path = context.Request.Path.Value ?? "";
        var post = HttpMethods.IsPost(context.Request.Method);
        var token = path[(path.LastIndexOf('/') + 1)..];
        NewsletterResponse response;
        if (path == "/newsletter/subscribe")
        {
            response = post ? await service.SubscribeAsync(await FormAsync(context.Request), "127.0.0.1", context.RequestAborted) : service.SubscribeForm();
        }
        else if (path.StartsWith("/newsletter/c/", StringComparison.Ordinal))
        {
            response = await service.ConfirmAsync(token, context.RequestAborted);
        }
        else if (path.StartsWith("/newsletter/p/", StringComparison.Ordinal))
        {
            response = post ? await service.SavePreferencesAsync(token, await FormAsync(context.Request), context.RequestAborted) : await service.PreferencesAsync(token, context.RequestAborted);
        }
        else if (path.StartsWith("/newsletter/u/", StringComparison.Ordinal))
        {
            response = post ? await service.UnsubscribeAsync(token, context.RequestAborted) : service.UnsubscribePage(token);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(response.Body);
    }

    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FormAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        return form.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value.Select(v => v ?? "").ToList());
    }

    [ChromiumFact]
    public async Task A_reader_subscribes_confirms_from_the_email_changes_preferences_and_unsubscribes_with_the_button()
    {
        SubscriptionService? service = null;
        await using var server = await LoopbackServer.StartAsync(context => HandleAsync(context, service!));
        await using var pipeline = await TestPipeline.StartAsync(new Dictionary<string, string?>
        {
            ["Syndication:Newsletter:PublicBaseUrl"] = server.Url("newsletter").AbsoluteUri,
        });
        service = pipeline.Get<SubscriptionService>();
        var store = pipeline.Get<SubscriberStore>();
        var id = pipeline.Get<SubscriberIds>().IdFor(EmailAddress.Parse("asha@example.com"));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Args = ["--no-sandbox"],
            Headless = true,
        });

        // A phone-sized window: the form must fit without sideways scrolling.
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 360, Height = 740 } });
        await page.GotoAsync(server.Url("newsletter/subscribe").AbsoluteUri);
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
        Assert.Equal(SubscriberState.Pending, (await store.GetAsync(id, CancellationToken.None))!.State);

        // The link in the confirmation email, as the reader clicks it.
        var link = await SubscriptionServiceTests.ConfirmLinkAsync(pipeline, "asha@example.com");
        Assert.StartsWith(server.Url("newsletter/c/").AbsoluteUri, link, StringComparison.Ordinal);
        await page.GotoAsync(link);
        Assert.Equal("You are subscribed", await page.Locator("h1").InnerTextAsync());
        var subscriber = (await store.GetAsync(id, CancellationToken.None))!;
        Assert.Equal((SubscriberState.Confirmed, "india", NewsletterCadence.Weekly), (subscriber.State, subscriber.Edition, subscriber.Cadence));
        Assert.Equal(["health"], subscriber.Sectors);

        await page.GetByRole(AriaRole.Link, new() { Name = "Change what you receive" }).ClickAsync();
        Assert.Equal("Your newsletter preferences", await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.GetByLabel("Health").IsCheckedAsync());
        await page.GetByLabel("Energy & Extractives").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save preferences" }).ClickAsync();
        Assert.Equal("Your preferences are saved.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal(["energy", "health"], (await store.GetAsync(id, CancellationToken.None))!.Sectors.Order(StringComparer.Ordinal));

        // Following the unsubscribe link only asks; the button unsubscribes.
        await page.GetByRole(AriaRole.Link, new() { Name = "Unsubscribe from every newsletter" }).ClickAsync();
        Assert.Equal("Unsubscribe", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(SubscriberState.Confirmed, (await store.GetAsync(id, CancellationToken.None))!.State);
        await page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();
        Assert.Equal("You are unsubscribed", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(SubscriberState.Unsubscribed, (await store.GetAsync(id, CancellationToken.None))!.State);
    }
}
