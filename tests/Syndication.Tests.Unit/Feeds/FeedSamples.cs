using System.Text;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;

namespace Syndication.Tests.Feeds;

/// <summary>Channels and entries the feed tests share, ordinary and nasty.</summary>
internal static class FeedSamples
{
    public static readonly DateTimeOffset Monday = new(2024, 12, 2, 11, 52, 0, TimeSpan.Zero);

    public static FeedChannel India { get; } = new()
    {
        Folder = "editions/india",
        FolderUrl = new Uri("https://feeds.example.com/editions/india/"),
        Title = "News & Views: India",
        Description = "All <the> news from India.",
        HomePage = new Uri("https://news.example.com/"),
        Language = "en",
        TtlMinutes = 15,
        HubUrl = new Uri("https://hub.example.com/"),
        ImageUrl = new Uri("https://news.example.com/logo.png"),
        Publisher = "News & Views",
        Taxonomy = FeedTaxonomy.ForSite(new Uri("https://news.example.com/")) with
        {
            SectorLabels = new Dictionary<string, string> { ["health"] = "Health", ["economy"] = "Economy & Business" },
        },
    };

    /// <summary>An ordinary story: body with absolute links, an image, a byline.</summary>
    public static FeedEntry Entry(int i) => new()
    {
        Id = $"id{i}",
        Url = new Uri($"https://news.example.com/news/story-{i}"),
        Headline = $"Story {i}: dengue cases fall in Delhi",
        Summary = $"Summary of story {i}.",
        ContentHtml = $"<p>Body of story {i}, with <a href=\"https://news.example.com/news/story-{i + 1}\">a link</a>.</p>",
        Byline = "News Desk",
        Created = Monday.AddHours(-i),
        Updated = Monday.AddHours(-i).AddMinutes(30),
        Sectors = ["health", "economy"],
        Section = SectionType.News,
        Language = "en",
        Images = [new ArticleImage(new Uri($"https://news.example.com/img/{i}.jpg"), "A clinic in Delhi", 1200, 800, "Photo: Agency")],
    };

    /// <summary>
    /// Everything publishers trip on: HTML and entities in titles, "]]&gt;" and control characters in
    /// bodies, relative links and images, a lone surrogate, an article that moved section (its
    /// permanent id is no longer its URL), a language other than the channel's.
    /// </summary>
    public static IReadOnlyList<FeedEntry> Nasty()
    {
        return
        [
            new FeedEntry
            {
                Id = "nasty1",
                Url = new Uri("https://news.example.com/analysis/rates-explained"),
                PermanentId = new Uri("https://news.example.com/news/rates-explained"),
                Headline = "<b>Rates</b> rise &amp; markets \u0001fall  again",
                Summary = "Why <i>rates</i> rose &amp;amp; what next.",
                ContentHtml = "<p>Code: <code>a[b[0]]&gt;c</code> and raw ]]> inside, \u0002bell\u000B.</p>"
                    + "<p><a href=\"/news/earlier\">earlier</a> <a href='../opinion/x?a=1&amp;b=2'>x</a> <a href=#notes>notes</a></p>"
                    + "<img src=\"img/chart.png\" srcset=\"img/chart.png 1x, /img/chart@2x.png 2x\" alt=\"a > b\">"
                    + "<a href=\"mailto:desk@news.example.com\">mail</a> <a href=\"//cdn.example.com/f.pdf\">pdf</a>",
                Byline = "<span>Asha Rao</span> &amp; Team",
                Created = Monday.AddDays(-1),
                Updated = Monday.AddDays(-1).AddHours(2),
                Sectors = ["economy"],
                Section = SectionType.Analysis,
                Language = "hi",
                Images = [new ArticleImage(new Uri("/img/rates.jpg", UriKind.Relative), "Chart <of> rates", 640, 360, "Graphic: Desk")],
            },
            new FeedEntry
            {
                Id = "nasty2",
                Url = new Uri("https://news.example.com/news/lone-surrogate"),
                Headline = "Emoji \ud83d\ude00 and a lone \ud800 surrogate; 5 < 6 is text",
                Summary = null,
                ContentHtml = "<p>No summary given: the writers take one from here. " + string.Concat(Enumerable.Repeat("Words go on. ", 60)) + "</p>",
                Byline = null,
                Created = Monday.AddDays(-2),
                Updated = Monday.AddDays(-3),
                Section = SectionType.Opinion,
            },
            new FeedEntry
            {
                Id = "nasty3",
                Url = new Uri("https://news.example.com/news/no-body"),
                Headline = "Double-escaped &amp;lt;b&amp;gt;tags&amp;lt;/b&amp;gt; in a headline",
                Summary = "Only a summary.",
                Created = Monday.AddDays(-3),
                Updated = Monday.AddDays(-3),
            },
        ];
    }

    /// <summary>The nasty titles as plain text, as every parser must see them.</summary>
    public static IReadOnlyList<string> NastyTitles { get; } =
    [
        "Rates rise & markets fall again",
        "Emoji \ud83d\ude00 and a lone surrogate; 5 < 6 is text",
        "Double-escaped tags in a headline",
    ];

    /// <summary>A body of about <paramref name="bytes"/> bytes of realistic HTML.</summary>
    public static string Body(int i, int bytes)
    {
        var html = new StringBuilder(bytes + 200);
        var paragraph = 0;
        while (html.Length < bytes)
        {
            html.Append("<p>Paragraph ").Append(++paragraph).Append(" of story ").Append(i)
                .Append(": officials said on Monday that the programme, which covers 40 wards, would be widened to ")
                .Append("<a href=\"https://news.example.com/news/related-").Append(paragraph).Append("\">neighbouring districts</a> ")
                .Append("if vaccine supplies allow, and that clinics would stay open until 8 pm.</p>\n");
        }

        return html.ToString();
    }
}
