using System.Text.Encodings.Web;
using Fluid;
using Syndication.Core.Catalog;

namespace Syndication.Core.Newsletters;

/// <summary>What a reader chose to receive.</summary>
/// <param name="Sectors">Sector ids; none means every sector.</param>
/// <param name="Alerts">Breaking-news alerts besides the digest (the form's <c>alerts</c> checkbox); off unless ticked.</param>
public sealed record SubscriptionChoices(string Edition, IReadOnlyList<string> Sectors, NewsletterCadence Cadence, bool Alerts = false);

/// <summary>An error to show beside a form field.</summary>
/// <param name="Field">The id of the field (<c>email</c>, <c>edition</c>, <c>sectors</c>, <c>cadence</c>).</param>
public sealed record FormError(string Field, string Message);

/// <summary>
/// The small HTML pages of subscribing and unsubscribing, rendered from Liquid templates with HTML
/// encoding: one column, readable without CSS, every input labelled, nothing loaded from elsewhere,
/// and no referrer sent, so a token in the page's URL does not leak through a link. Pure functions
/// of their arguments; the HTTP functions serve them with <c>text/html; charset=utf-8</c>.
/// </summary>
public sealed class NewsletterPages
{
    public const string ContentType = "text/html; charset=utf-8";

    private static readonly TemplateOptions Options = NewsletterTemplates.Options(
        typeof(PageView), typeof(FormView), typeof(OptionView), typeof(FormError), typeof(MessageView), typeof(ButtonView));

    private static readonly IFluidTemplate Layout = NewsletterTemplates.Parse("page.html.liquid");
    private static readonly IFluidTemplate Form = NewsletterTemplates.Parse("form.html.liquid");
    private static readonly IFluidTemplate Message = NewsletterTemplates.Parse("message.html.liquid");
    private static readonly IFluidTemplate ButtonForm = NewsletterTemplates.Parse("button.html.liquid");

    private readonly NewsletterOptions _options;
    private readonly PublicationCatalog _catalog;

    public NewsletterPages(NewsletterOptions options, PublicationCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        _options = options;
        _catalog = catalog;
    }

    /// <summary>The sign-up form; after a failed POST, pass back what was typed and the errors.</summary>
    public string Subscribe(Uri action, string email = "", SubscriptionChoices? choices = null, IReadOnlyList<FormError>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        errors ??= [];
        var view = FormView(action, choices, errors) with
        {
            Heading = $"Get the {_catalog.Site.Name} newsletter",
            Intro = "The top stories of your edition and sectors, and what readers are reading, in your inbox.",
            ShowEmail = true,
            Email = email ?? "",
            EmailError = errors.FirstOrDefault(e => e.Field == "email")?.Message ?? "",
            Button = "Subscribe",
            Note = "We will email you a link to confirm. Every newsletter has a link to unsubscribe.",
        };
        return Page(errors.Count > 0 ? "Error: Subscribe" : "Subscribe", Form, view);
    }

    /// <summary>
    /// After a sign-up. It says the same whether or not the address was already subscribed, so the
    /// form cannot be used to find out who is.
    /// </summary>
    public string CheckInbox() => MessagePage(
        "Check your inbox",
        [
            "If the address can receive email, a message with a link to confirm your subscription is on its way.",
            $"The link works for {_options.ConfirmTokenDays} days. Nothing is sent to you until you confirm.",
        ]);

    /// <summary>
    /// What GET on a confirmation link shows: a button that POSTs. Mail security gateways fetch
    /// every link of a message, so a GET must not confirm an address someone else typed in.
    /// </summary>
    public string ConfirmButton(Uri action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Page("Confirm your subscription", ButtonForm, new ButtonView(
            "Confirm your subscription",
            $"Press the button to start receiving the {_catalog.Site.Name} newsletter. Nothing is sent to you until you do.",
            action.AbsoluteUri,
            "Confirm my subscription"));
    }

    /// <summary>After the confirmation. No link to the preferences: a confirmation link grants confirming only, and every newsletter carries that link.</summary>
    public string Confirmed() => MessagePage(
        "You are subscribed",
        ["Thank you for confirming. Your first newsletter arrives with the next issue of your edition; every issue has a link to change what you receive."]);

    /// <summary>
    /// The preferences form of a subscriber (reached through the link in every email). Its second
    /// button posts <c>action=unsubscribe</c> to the same link: the page's own token manages the
    /// subscription, leaving included, and no token of another purpose is handed out.
    /// </summary>
    public string Preferences(Uri action, SubscriptionChoices current, bool saved = false, IReadOnlyList<FormError>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(current);
        errors ??= [];
        var view = FormView(action, current, errors) with
        {
            Heading = "Your newsletter preferences",
            Intro = "",
            Saved = saved && errors.Count == 0,
            Button = "Save preferences",
            UnsubscribeAction = action.AbsoluteUri,
        };
        return Page(errors.Count > 0 ? "Error: Preferences" : "Preferences", Form, view);
    }

    /// <summary>
    /// What GET on an unsubscribe link shows: a button that POSTs. Link scanners and previews
    /// follow links with GET, so a GET must never unsubscribe anyone.
    /// </summary>
    public string UnsubscribeConfirm(Uri action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Page("Unsubscribe", ButtonForm, new ButtonView(
            "Unsubscribe",
            $"Press the button to stop receiving the {_catalog.Site.Name} newsletter. Nothing changes until you do.",
            action.AbsoluteUri,
            "Unsubscribe"));
    }

    public string Unsubscribed(Uri? subscribe = null) => MessagePage(
        "You are unsubscribed",
        [$"You will not receive the {_catalog.Site.Name} newsletter any more. If this was a mistake, you can subscribe again."],
        subscribe,
        "Subscribe again");

    /// <summary>An alert's unsubscribe link: a button that stops alerts and keeps the digest.</summary>
    public string UnsubscribeAlertsConfirm(Uri action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Page("Stop breaking-news alerts", ButtonForm, new ButtonView(
            "Stop breaking-news alerts",
            $"Press the button to stop the breaking-news alerts of {_catalog.Site.Name}. Your newsletter keeps coming; nothing changes until you press it.",
            action.AbsoluteUri,
            "Stop alerts"));
    }

    public string AlertsStopped(Uri? subscribe = null) => MessagePage(
        "Alerts stopped",
        [$"You will not receive breaking-news alerts from {_catalog.Site.Name} any more. Your newsletter keeps coming; its preferences link turns alerts back on."],
        subscribe,
        "Go to the sign-up form");

    /// <summary>For a link that is expired, damaged or unknown: the same page whatever the reason.</summary>
    public string LinkInvalid(Uri? subscribe = null) => MessagePage(
        "This link does not work",
        ["It may have expired or been cut short by your email program. Confirmation links work for a limited time; you can sign up again to get a new one."],
        subscribe,
        "Go to the sign-up form");

    private string MessagePage(string heading, IReadOnlyList<string> paragraphs, Uri? link = null, string linkText = "") =>
        Page(heading, Message, new MessageView(heading, paragraphs, link?.AbsoluteUri ?? "", linkText));

    private FormView FormView(Uri action, SubscriptionChoices? choices, IReadOnlyList<FormError> errors)
    {
        var edition = choices?.Edition is { Length: > 0 } id && _catalog.FindEdition(id) is { } found ? found.Id : _catalog.Editions[0].Id;
        var sectors = new HashSet<string>(choices?.Sectors ?? [], StringComparer.OrdinalIgnoreCase);
        var cadence = choices?.Cadence ?? NewsletterCadence.Daily;
        return new FormView
        {
            Action = action.AbsoluteUri,
            Errors = errors,
            Editions = [.. _catalog.Editions.Select(e => new OptionView(e.Id, e.Name, e.Id == edition))],
            Sectors = [.. _catalog.Sectors.Select(s => new OptionView(s.Id, s.Name, sectors.Contains(s.Id)))],
            Cadences =
            [
                new OptionView("daily", "Every day", cadence == NewsletterCadence.Daily),
                new OptionView("weekly", $"Once a week, on {_options.WeeklyOn}s", cadence == NewsletterCadence.Weekly),
            ],
            Alerts = choices?.Alerts ?? false,
        };
    }

    private string Page(string title, IFluidTemplate body, object view)
    {
        var content = body.Render(new TemplateContext(view, Options, allowModelMembers: true), HtmlEncoder.Default);
        var page = new PageView(
            _catalog.Site.Language,
            title,
            _catalog.Site.Name,
            _catalog.Site.BaseUrl,
            _options.PublisherName is { Length: > 0 } publisher ? publisher : _catalog.Site.Name,
            _options.PostalAddress ?? "",
            content);
        return Layout.Render(new TemplateContext(page, Options, allowModelMembers: true), HtmlEncoder.Default);
    }
}

internal sealed record PageView(string Lang, string Title, string SiteName, string SiteUrl, string PublisherName, string PostalAddress, string Content);

internal sealed record OptionView(string Id, string Name, bool Selected);

internal sealed record MessageView(string Heading, IReadOnlyList<string> Paragraphs, string LinkUrl, string LinkText);

internal sealed record ButtonView(string Heading, string Text, string Action, string Button);

internal sealed record FormView
{
    public string Heading { get; init; } = "";

    public string Intro { get; init; } = "";

    public bool Saved { get; init; }

    public required string Action { get; init; }

    public required IReadOnlyList<FormError> Errors { get; init; }

    public bool ShowEmail { get; init; }

    public string Email { get; init; } = "";

    public string EmailError { get; init; } = "";

    public required IReadOnlyList<OptionView> Editions { get; init; }

    public required IReadOnlyList<OptionView> Sectors { get; init; }

    public required IReadOnlyList<OptionView> Cadences { get; init; }

    /// <summary>Whether the breaking-news alerts box is ticked.</summary>
    public bool Alerts { get; init; }

    public string Button { get; init; } = "";

    public string Note { get; init; } = "";

    /// <summary>Where the preferences page's unsubscribe button posts; empty on the sign-up form.</summary>
    public string UnsubscribeAction { get; init; } = "";
}
