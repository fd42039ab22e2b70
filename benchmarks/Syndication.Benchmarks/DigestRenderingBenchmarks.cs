using System.Globalization;
using System.Text.Encodings.Web;
using BenchmarkDotNet.Attributes;
using Fluid;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Newsletters;

namespace Syndication.Benchmarks;

/// <summary>
/// Personalized digest emails (HTML and text) per second: ours, where each sector selection of an
/// issue is rendered and CSS-inlined once and each email only fills in the reader's greeting and
/// links, against the naive way that parses the Liquid templates, renders them and inlines the CSS
/// with PreMailer.Net for every email. The naive way renders exactly the same email (checked in
/// setup), so the difference is only where the work is done.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class DigestRenderingBenchmarks
{
    private const int Readers = 1000;
    private const int NaiveEmails = 20;

    private static readonly string[][] Selections =
    [
        ["health", "education"], ["economy", "agriculture"], ["energy", "environment"], ["science-technology"],
        ["governance", "economy"], [],
    ];

    private readonly PublicationCatalog _catalog = new(new SyndicationOptions());
    private readonly NewsletterOptions _options = new() { PublisherName = "Syndication News Ltd", PostalAddress = "1 Example Street, Mumbai 400001, India" };
    private DigestRenderer _renderer = null!;
    private DigestIssue _issue = null!;
    private DigestRecipient[] _readers = null!;
    private DigestIssueRenderer _warm = null!;
    private string _htmlSource = null!;
    private string _textSource = null!;

    [GlobalSetup]
    public void Setup()
    {
        _renderer = new DigestRenderer(_options, _catalog);
        var sectors = new[] { "health", "education", "economy", "agriculture", "energy", "environment", "science-technology", "governance" };
        _issue = new DigestIssue
        {
            Edition = _catalog.FindEdition("india")!,
            IssueKey = "india/2026-11-25",
            LocalDate = new DateOnly(2026, 11, 25),
            ArchiveUrl = new Uri("https://news.example.com/newsletter/archive/india/2026-11-25"),
            Stories = [.. Enumerable.Range(1, 40).Select(i => new DigestStory
            {
                Id = i.ToString("x16", CultureInfo.InvariantCulture),
                Headline = $"Story {i}: states adopt satellite data to settle monsoon crop insurance claims faster",
                Summary = "Officials said the programme would reach every district before the sowing season, with payments reconciled against satellite imagery and village records.",
                Url = new Uri($"https://news.example.com/news/story-{i}"),
                Sectors = [sectors[i % sectors.Length]],
                Image = i % 4 == 1 ? new ArticleImage(new Uri($"https://cdn.example.com/images/story-{i}.jpg"), $"Photo for story {i}", 1200, 800) : null,
            })],
            Trending = [.. Enumerable.Range(1, 10).Select(i => new TrendingStory($"Trending story number {i} about the grid", new Uri($"https://news.example.com/news/trending-{i}")))],
        };
        var tokens = new SubscriberTokens(new TokenKeyRing("k1", new Dictionary<string, byte[]> { ["k1"] = new byte[32] }), TimeProvider.System);
        var ids = new SubscriberIds(new byte[32]);
        _readers = [.. Enumerable.Range(0, Readers).Select(i =>
        {
            var email = EmailAddress.Parse($"reader{i}@example.com");
            var id = ids.IdFor(email);
            return new DigestRecipient
            {
                Email = email,
                SubscriberId = id,
                Sectors = Selections[i % Selections.Length],
                UnsubscribeToken = tokens.Issue(TokenPurpose.Unsubscribe, id),
                PreferencesToken = tokens.Issue(TokenPurpose.Preferences, id),
                Name = i % 3 == 0 ? $"Reader {i}" : null,
            };
        })];
        _warm = _renderer.ForIssue(_issue);
        foreach (var reader in _readers)
        {
            _warm.Render(reader);
        }

        _htmlSource = Resource("digest.html.liquid");
        _textSource = Resource("digest.txt.liquid");

        // The comparison is fair only if both ways produce the same email.
        for (var i = 0; i < Selections.Length; i++)
        {
            var ours = _warm.Render(_readers[i]);
            var (html, text) = RenderNaively(_readers[i]);
            if (ours.Html != html || ours.Text != text)
            {
                throw new InvalidOperationException($"The naive rendering differs from ours for reader {i}.");
            }
        }
    }

    /// <summary>The naive way: parse, render and inline for every single email.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = NaiveEmails)]
    public int NaivePerEmail()
    {
        var length = 0;
        for (var i = 0; i < NaiveEmails; i++)
        {
            var (html, text) = RenderNaively(_readers[i]);
            length += html.Length + text.Length;
        }

        return length;
    }

    /// <summary>Ours, cold: a new issue, so each of the six sector selections is prepared once within the 1,000 emails.</summary>
    [Benchmark(OperationsPerInvoke = Readers)]
    public int OursIncludingPreparation()
    {
        var session = _renderer.ForIssue(_issue);
        var length = 0;
        foreach (var reader in _readers)
        {
            var message = session.Render(reader);
            length += message.Html.Length + message.Text.Length;
        }

        return length;
    }

    /// <summary>Ours, steady state: the selections are prepared; each email is only personalized.</summary>
    [Benchmark(OperationsPerInvoke = Readers)]
    public int OursPersonalizeOnly()
    {
        var length = 0;
        foreach (var reader in _readers)
        {
            var message = _warm.Render(reader);
            length += message.Html.Length + message.Text.Length;
        }

        return length;
    }

    private (string Html, string Text) RenderNaively(DigestRecipient reader)
    {
        var parser = new FluidParser();
        var htmlTemplate = parser.Parse(_htmlSource);
        var textTemplate = parser.Parse(_textSource);
        var prepared = _warm.Prepared(reader.Sectors);
        var model = Model(reader, prepared);
        var templateOptions = new TemplateOptions { CultureInfo = CultureInfo.InvariantCulture };
        var html = htmlTemplate.Render(Context(model, templateOptions), HtmlEncoder.Default);
        var inlined = PreMailer.Net.PreMailer.MoveCssInline(html, removeStyleElements: true, preserveMediaQueries: true, removeComments: true).Html;
        var text = textTemplate.Render(Context(model, templateOptions), NullEncoder.Default);
        return (inlined, text);
    }

    private static TemplateContext Context(Dictionary<string, object?> model, TemplateOptions options)
    {
        var context = new TemplateContext(options);
        foreach (var (name, value) in model)
        {
            context.SetValue(name, value);
        }

        return context;
    }

    /// <summary>The same values the renderer gives its templates, with the reader's own in place of the slots.</summary>
    private Dictionary<string, object?> Model(DigestRecipient reader, PreparedDigest prepared)
    {
        var links = new NewsletterLinks(_options);
        var wanted = prepared.SectorKey.Length == 0 ? [] : prepared.SectorKey.Split(',');
        var stories = _issue.Stories
            .Where(s => wanted.Length == 0 || s.Sectors.Any(wanted.Contains))
            .Take(prepared.StoryCount)
            .Select(s =>
            {
                var sector = _catalog.FindSector(s.Sectors.FirstOrDefault(wanted.Contains) ?? s.Sectors[0])!.Name;
                return new Dictionary<string, object?>
                {
                    ["headline"] = s.Headline,
                    ["summary"] = s.Summary,
                    ["url"] = s.Url.AbsoluteUri,
                    ["label"] = sector,
                    ["image_url"] = s.Image?.Url.AbsoluteUri,
                    ["image_alt"] = s.Image?.Alt,
                    ["image_height"] = s.Image is null ? null : 379,
                };
            })
            .ToList();
        return new Dictionary<string, object?>
        {
            ["lang"] = _catalog.Site.Language,
            ["subject"] = prepared.Subject,
            ["preheader"] = MailText.Truncate((string)stories[0]["summary"]!, 140),
            ["site_name"] = _catalog.Site.Name,
            ["site_url"] = _catalog.Site.BaseUrl,
            ["edition_name"] = _issue.Edition.Name,
            ["date_text"] = MailText.LongDate(_issue.LocalDate),
            ["cadence_text"] = "daily",
            ["archive_url"] = _issue.ArchiveUrl.AbsoluteUri,
            ["stories"] = stories,
            ["trending"] = _issue.Trending.Select((t, i) => new Dictionary<string, object?> { ["rank"] = i + 1, ["headline"] = t.Headline, ["url"] = t.Url.AbsoluteUri }).ToList(),
            ["fell_back"] = false,
            ["sectors_text"] = string.Join(", ", wanted.Select(id => _catalog.FindSector(id)!.Name)),
            ["publisher_name"] = _options.PublisherName,
            ["postal_address"] = _options.PostalAddress,
            ["unsubscribe_url"] = links.Unsubscribe(reader.UnsubscribeToken).AbsoluteUri,
            ["preferences_url"] = links.Preferences(reader.PreferencesToken).AbsoluteUri,
            ["greeting"] = reader.Name is null ? "Hello," : $"Hello {reader.Name},",
        };
    }

    private static string Resource(string name)
    {
        using var stream = typeof(DigestRenderer).Assembly.GetManifestResourceStream($"Syndication.Core.Newsletters.Templates.{name}")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
