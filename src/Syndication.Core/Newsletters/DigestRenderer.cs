// Long on purpose: an email's HTML is made in one place (templates, prepared variants per issue,
// Gmail's clip budget, per-reader personalisation), steps that share its caches.
using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Fluid;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;

namespace Syndication.Core.Newsletters;

/// <summary>
/// Renders digest emails (HTML and plain text) from Liquid templates parsed once. The expensive
/// part, Liquid rendering and CSS inlining with PreMailer.Net, is done once per issue and sector
/// selection (<see cref="Prepare"/>); each reader's email then only fills in their greeting and
/// links, already encoded (<see cref="Personalize"/>). Use <see cref="ForIssue"/> to have the
/// prepared variants of an issue cached while sending it.
/// </summary>
public sealed class DigestRenderer
{
    /// <summary>
    /// Gmail clips messages whose HTML passes about 102 KB; a prepared email with its longest
    /// per-reader values stays under this, and loses stories from the end until it does.
    /// </summary>
    public const int HtmlByteBudget = 96 * 1024;

    public const int MaximumHeadlineLength = 200;
    public const int MaximumSummaryLength = 320;
    public const int MaximumNameLength = 60;

    /// <summary>The widest a per-reader value can be once encoded (a URL with a token, a greeting with a name).</summary>
    internal const int MaximumSlotBytes = 1024;

    private const int ImageWidth = 568;
    private const int UnsubscribeSlot = 0;
    private const int PreferencesSlot = 1;
    private const int GreetingSlot = 2;
    private const int SlotCount = 3;

    private static readonly TemplateOptions Options = NewsletterTemplates.Options(typeof(DigestView), typeof(StoryView), typeof(TrendingView));
    private static readonly IFluidTemplate HtmlTemplate = NewsletterTemplates.Parse("digest.html.liquid");
    private static readonly IFluidTemplate TextTemplate = NewsletterTemplates.Parse("digest.txt.liquid");

    private readonly NewsletterOptions _options;
    private readonly PublicationCatalog _catalog;
    private readonly NewsletterLinks _links;
    private readonly Dictionary<string, string> _sectorIds;

    public DigestRenderer(NewsletterOptions options, PublicationCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _catalog = catalog;
        _links = new NewsletterLinks(options);
        _sectorIds = catalog.Sectors.ToDictionary(s => s.Id, s => s.Id, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The subject: site, edition, cadence and the issue's date in the edition's own time zone.</summary>
    public string Subject(DigestIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        if (issue.IsAlert && issue.Stories.Count > 0)
        {
            return MailText.HeaderValue($"Breaking: {MailText.Truncate(MailText.SingleLine(issue.Stories[0].Headline), MaximumHeadlineLength)} | {_catalog.Site.Name}");
        }

        var kind = issue.Cadence == NewsletterCadence.Weekly ? "weekly digest" : "daily digest";
        return MailText.HeaderValue($"{_catalog.Site.Name} {issue.Edition.Name} {kind}: {MailText.LongDate(issue.LocalDate)}");
    }

    /// <summary>A cache of prepared variants for sending one issue to many readers; thread-safe.</summary>
    public DigestIssueRenderer ForIssue(DigestIssue issue) => new(this, issue);

    /// <summary>
    /// Renders and inlines the issue for readers of <paramref name="sectors"/> (none: every sector),
    /// leaving the per-reader values as slots. This is the slow step; do it once per variant.
    /// </summary>
    public PreparedDigest Prepare(DigestIssue issue, IEnumerable<string> sectors)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(sectors);
        var selected = SectorKey(sectors);
        var wanted = selected.Length == 0 ? [] : selected.Split(',');
        var stories = issue.Stories.Where(s => wanted.Length == 0 || s.Sectors.Any(x => wanted.Contains(x, StringComparer.OrdinalIgnoreCase))).ToList();
        var fellBack = stories.Count == 0 && wanted.Length > 0;
        if (fellBack)
        {
            stories = [.. issue.Stories];
        }

        var subject = Subject(issue);
        var count = Math.Min(stories.Count, _options.MaxStories);
        for (var attempt = 0; ; attempt++)
        {
            var view = View(issue, subject, stories.Take(count).ToList(), wanted, fellBack);
            var context = new TemplateContext(view, Options, allowModelMembers: true);
            var rendered = HtmlTemplate.Render(context, HtmlEncoder.Default);

            // Inline once: the style block is kept only for the dark-mode and mobile media queries,
            // which cannot be inlined; everything else becomes style attributes.
            var inlined = PreMailer.Net.PreMailer.MoveCssInline(rendered, removeStyleElements: true, preserveMediaQueries: true, removeComments: true);
            var html = SlotTemplate.Compile(inlined.Html, SlotCount);
            var worst = html.LiteralUtf8Bytes + (html.SlotOccurrences * MaximumSlotBytes);
            if (worst <= HtmlByteBudget || count <= 1 || attempt >= 8)
            {
                var text = SlotTemplate.Compile(TextTemplate.Render(new TemplateContext(view, Options, allowModelMembers: true), NullEncoder.Default), SlotCount);
                return new PreparedDigest(issue.IssueKey, selected, subject, count, fellBack, html, text, inlined.Warnings);
            }

            // Too big: drop stories in proportion to the excess, and at least one.
            var perStory = Math.Max(1, (worst - HtmlByteBudget) * count / worst);
            count = Math.Max(1, count - Math.Max(1, perStory + 1));
        }
    }

    /// <summary>One reader's email from a prepared variant: no template engine and no CSS work, only copies.</summary>
    public DigestMessage Personalize(PreparedDigest digest, DigestRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(recipient);
        var name = Values(recipient, out var html, out var text);
        return new DigestMessage
        {
            ToAddress = recipient.Email.Value,
            ToName = name,
            Subject = digest.Subject,
            Html = digest.Html.Fill(html),
            Text = digest.Text.Fill(text),
            Headers = UnsubscribeHeaders(recipient),
            CustomArgs = CustomArgs(digest, recipient),
            IssueKey = digest.IssueKey,
            SubscriberId = recipient.SubscriberId,
        };
    }

    /// <summary>
    /// A prepared variant as one SendGrid-style batch: the bodies keep a substitution tag where each
    /// reader's links and greeting go (an HTML-encoded and a plain one per slot, as SendGrid
    /// substitutes the same value in both bodies), and each recipient carries the values, their
    /// <c>List-Unsubscribe</c> headers and the opaque custom args (issue, batch and subscriber: what
    /// SendGrid's events carry back, so the webhook finds the recipient in the send ledger). Filling the tags gives exactly
    /// what <see cref="Personalize"/> gives.
    /// </summary>
    public MailBatch Batch(PreparedDigest digest, string batchId, IReadOnlyList<DigestRecipient> recipients)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(recipients);
        var htmlTags = new string[SlotCount];
        var textTags = new string[SlotCount];
        for (var slot = 0; slot < SlotCount; slot++)
        {
            htmlTags[slot] = SlotTemplate.Marker(slot) + "h";
            textTags[slot] = SlotTemplate.Marker(slot) + "t";
        }

        var mailRecipients = new List<MailRecipient>(recipients.Count);
        foreach (var recipient in recipients)
        {
            var name = Values(recipient, out var html, out var text);
            var substitutions = new Dictionary<string, string>(SlotCount * 2, StringComparer.Ordinal);
            for (var slot = 0; slot < SlotCount; slot++)
            {
                substitutions[htmlTags[slot]] = html[slot];
                substitutions[textTags[slot]] = text[slot];
            }

            mailRecipients.Add(new MailRecipient
            {
                Address = recipient.Email.Value,
                Name = name,
                SubscriberId = recipient.SubscriberId,
                Substitutions = substitutions,
                Headers = UnsubscribeHeaders(recipient),
                CustomArgs = CustomArgs(digest, recipient, batchId),
            });
        }

        return new MailBatch
        {
            BatchId = batchId,
            Folder = digest.IssueKey,
            FromAddress = _options.FromAddress,
            FromName = MailText.HeaderValue(_options.PublisherName is { Length: > 0 } publisher ? publisher : _catalog.Site.Name, MaximumNameLength),
            Subject = digest.Subject,
            Html = digest.Html.Fill(htmlTags),
            Text = digest.Text.Fill(textTags),
            Recipients = mailRecipients,
        };
    }

    /// <summary>
    /// The issue as a web page for the archive ("view in browser"): every reader's links become the
    /// sign-up form's, so the page holds no one's token and can be shared.
    /// </summary>
    public string ArchivePage(PreparedDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var subscribe = HtmlEncoder.Default.Encode(_links.Subscribe().AbsoluteUri);
        return digest.Html.Fill([subscribe, subscribe, "Hello,"]);
    }

    /// <summary>RFC 8058 one-click unsubscribe for this reader, as every email of theirs carries it.</summary>
    private Dictionary<string, string> UnsubscribeHeaders(DigestRecipient recipient) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["List-Unsubscribe"] = _links.ListUnsubscribe(recipient.UnsubscribeToken),
        ["List-Unsubscribe-Post"] = NewsletterLinks.ListUnsubscribePost,
    };

    /// <summary>
    /// What SendGrid's events carry back to the delivery report, opaque ids only: the issue, the
    /// subscriber and, for a sent batch, the batch (where the send ledger lists the recipient).
    /// </summary>
    private static Dictionary<string, string> CustomArgs(PreparedDigest digest, DigestRecipient recipient, string? batchId = null)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal) { ["issue"] = digest.IssueKey, ["subscriber"] = recipient.SubscriberId };
        if (batchId is not null)
        {
            args["batch"] = batchId;
        }

        return args;
    }

    /// <summary>The per-reader values of the slots, HTML-encoded and plain; returns the sanitized display name, null when none.</summary>
    private string? Values(DigestRecipient recipient, out string[] html, out string[] text)
    {
        if (!SubscriberTokens.IsValidSubscriberId(recipient.SubscriberId))
        {
            throw new ArgumentException("The recipient's subscriber id is not a valid id.", nameof(recipient));
        }

        var unsubscribe = _links.UnsubscribeUrl(recipient.UnsubscribeToken);
        var preferences = _links.PreferencesUrl(recipient.PreferencesToken);
        var name = MailText.HeaderValue(recipient.Name, MaximumNameLength);
        var greeting = name.Length == 0 ? "Hello," : $"Hello {name},";
        var encoder = HtmlEncoder.Default;
        html = [encoder.Encode(unsubscribe), encoder.Encode(preferences), encoder.Encode(greeting)];
        text = [unsubscribe, preferences, greeting];
        return name.Length == 0 ? null : name;
    }

    /// <summary>The cache key of a sector selection: known sector ids, lower-case, sorted, comma-separated.</summary>
    /// <remarks>Looked up for every email, so it avoids LINQ: a reader follows a handful of sectors.</remarks>
    public string SectorKey(IEnumerable<string> sectors)
    {
        ArgumentNullException.ThrowIfNull(sectors);
        var ids = new List<string>(4);
        foreach (var sector in sectors)
        {
            if (sector is not null && _sectorIds.TryGetValue(sector, out var id) && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        if (ids.Count == 0)
        {
            return "";
        }

        ids.Sort(StringComparer.Ordinal);
        return ids.Count == 1 ? ids[0] : string.Join(',', ids);
    }

    private DigestView View(DigestIssue issue, string subject, List<DigestStory> stories, string[] wanted, bool fellBack)
    {
        var storyViews = stories.Select(s => StoryView(s, wanted)).ToList();
        var trending = issue.Trending
            .Where(t => IsWebUrl(t.Url))
            .Take(_options.MaxTrending)
            .Select((t, i) => new TrendingView(i + 1, MailText.Truncate(MailText.SingleLine(t.Headline), MaximumHeadlineLength), t.Url.AbsoluteUri))
            .ToList();
        var first = storyViews.FirstOrDefault();
        var preheader = MailText.Truncate(first?.Summary ?? first?.Headline ?? subject, 140);
        var sectorNames = string.Join(", ", wanted.Select(id => _catalog.FindSector(id)?.Name ?? id));
        return new DigestView
        {
            Lang = _catalog.Site.Language,
            Subject = subject,
            Preheader = preheader,
            SiteName = MailText.SingleLine(_catalog.Site.Name),
            SiteUrl = _catalog.Site.BaseUrl,
            EditionName = MailText.SingleLine(issue.Edition.Name),
            DateText = MailText.LongDate(issue.LocalDate),
            CadenceText = issue.Cadence == NewsletterCadence.Weekly ? "weekly" : "daily",
            ArchiveUrl = issue.ArchiveUrl.AbsoluteUri,
            Stories = storyViews,
            Trending = trending,
            FellBack = fellBack,
            SectorsText = sectorNames,
            PublisherName = MailText.SingleLine(_options.PublisherName is { Length: > 0 } publisher ? publisher : _catalog.Site.Name),
            PostalAddress = MailText.SingleLine(_options.PostalAddress),
            UnsubscribeUrl = SlotTemplate.Marker(UnsubscribeSlot),
            PreferencesUrl = SlotTemplate.Marker(PreferencesSlot),
            Greeting = SlotTemplate.Marker(GreetingSlot),
            IsAlert = issue.IsAlert,
        };
    }

    private StoryView StoryView(DigestStory story, string[] wanted)
    {
        var headline = MailText.Truncate(MailText.SingleLine(story.Headline), MaximumHeadlineLength);
        var summary = MailText.SingleLine(story.Summary);
        var sectorId = story.Sectors.FirstOrDefault(s => wanted.Contains(s, StringComparer.OrdinalIgnoreCase)) ?? (story.Sectors.Count > 0 ? story.Sectors[0] : null);
        var sector = sectorId is null ? null : _catalog.FindSector(sectorId)?.Name;
        var label = (sector, story.Section) switch
        {
            (null, var section) => section.ToString(),
            (var name, SectionType.News) => name,
            (var name, var section) => $"{name} \u00b7 {section}",
        };

        string? imageUrl = null;
        string? imageAlt = null;
        int? imageHeight = null;
        if (story.Image is { } image && IsWebUrl(image.Url))
        {
            imageUrl = image.Url.AbsoluteUri;
            imageAlt = MailText.Truncate(MailText.SingleLine(image.Alt is { Length: > 0 } alt ? alt : story.Headline), 150);
            if (image is { Width: > 0, Height: > 0 })
            {
                imageHeight = (int)Math.Round((double)image.Height.Value * ImageWidth / image.Width.Value);
            }
        }

        return new StoryView(
            headline,
            summary.Length == 0 ? null : MailText.Truncate(summary, MaximumSummaryLength),
            IsWebUrl(story.Url) ? story.Url.AbsoluteUri : _catalog.Site.BaseUrl,
            label,
            imageUrl,
            imageAlt,
            imageHeight)
        {
            Correction = MailText.SingleLine(story.Correction) is { Length: > 0 } correction ? MailText.Truncate(correction, MaximumSummaryLength) : null,
        };
    }

    /// <summary>Only http(s) links and images: a <c>javascript:</c> or <c>data:</c> URL from a source never reaches a reader.</summary>
    private static bool IsWebUrl(Uri url) => url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);
}

/// <summary>
/// An issue rendered for one sector selection, with the per-reader values left as slots. Immutable
/// and thread-safe: fill it for as many readers as need it.
/// </summary>
public sealed class PreparedDigest
{
    internal PreparedDigest(string issueKey, string sectorKey, string subject, int storyCount, bool fellBack, SlotTemplate html, SlotTemplate text, IReadOnlyList<string> warnings)
    {
        IssueKey = issueKey;
        SectorKey = sectorKey;
        Subject = subject;
        StoryCount = storyCount;
        FellBackToAllSectors = fellBack;
        Html = html;
        Text = text;
        InliningWarnings = warnings;
    }

    public string IssueKey { get; }

    /// <summary>The sector selection (<see cref="DigestRenderer.SectorKey"/>); empty for every sector.</summary>
    public string SectorKey { get; }

    public string Subject { get; }

    /// <summary>Stories shown: capped by the settings and by the size budget.</summary>
    public int StoryCount { get; }

    /// <summary>No story matched the selection, so the edition's top stories are shown with a note.</summary>
    public bool FellBackToAllSectors { get; }

    /// <summary>What PreMailer.Net could not inline, for the log.</summary>
    public IReadOnlyList<string> InliningWarnings { get; }

    /// <summary>Worst-case UTF-8 size of a personalized HTML body.</summary>
    public int MaximumHtmlBytes => Html.LiteralUtf8Bytes + (Html.SlotOccurrences * DigestRenderer.MaximumSlotBytes);

    internal SlotTemplate Html { get; }

    internal SlotTemplate Text { get; }
}

/// <summary>Renders one issue for many readers, preparing each sector selection once (thread-safe).</summary>
public sealed class DigestIssueRenderer
{
    private readonly DigestRenderer _renderer;
    private readonly ConcurrentDictionary<string, Lazy<PreparedDigest>> _prepared = new(StringComparer.Ordinal);

    internal DigestIssueRenderer(DigestRenderer renderer, DigestIssue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        _renderer = renderer;
        Issue = issue;
    }

    public DigestIssue Issue { get; }

    /// <summary>How many sector selections have been prepared so far.</summary>
    public int PreparedVariants => _prepared.Count;

    public PreparedDigest Prepared(IEnumerable<string> sectors)
    {
        var key = _renderer.SectorKey(sectors);
        if (_prepared.TryGetValue(key, out var found))
        {
            return found.Value;
        }

        // Lazy, so that readers arriving together on several threads prepare a variant once.
        return _prepared.GetOrAdd(key, k => new Lazy<PreparedDigest>(() => _renderer.Prepare(Issue, k.Length == 0 ? [] : k.Split(',')))).Value;
    }

    public DigestMessage Render(DigestRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return _renderer.Personalize(Prepared(recipient.Sectors), recipient);
    }
}

internal sealed record DigestView
{
    public required string Lang { get; init; }

    public required string Subject { get; init; }

    public required string Preheader { get; init; }

    public required string SiteName { get; init; }

    public required string SiteUrl { get; init; }

    public required string EditionName { get; init; }

    public required string DateText { get; init; }

    public required string CadenceText { get; init; }

    public required string ArchiveUrl { get; init; }

    public required IReadOnlyList<StoryView> Stories { get; init; }

    public required IReadOnlyList<TrendingView> Trending { get; init; }

    public required bool FellBack { get; init; }

    public required string SectorsText { get; init; }

    public required string PublisherName { get; init; }

    public required string PostalAddress { get; init; }

    public required string UnsubscribeUrl { get; init; }

    public required string PreferencesUrl { get; init; }

    public required string Greeting { get; init; }

    public bool IsAlert { get; init; }
}

internal sealed record StoryView(string Headline, string? Summary, string Url, string Label, string? ImageUrl, string? ImageAlt, int? ImageHeight)
{
    /// <summary>The story's correction, one line; null when it has none.</summary>
    public string? Correction { get; init; }
}

internal sealed record TrendingView(int Rank, string Headline, string Url);
