using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Syndication.Core.Articles;
using Syndication.Core.Feeds;
using static Syndication.Tests.Feeds.FeedSamples;

namespace Syndication.Tests.Feeds;

public sealed class FeedWritersTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace Media = "http://search.yahoo.com/mrss/";

    public static TheoryData<FeedFormat> Formats => [.. FeedFormats.All];

    private static IReadOnlyList<FeedEntry> Ordinary => [Entry(0), Entry(1), Entry(2)];

    private static IReadOnlyList<FeedEntry> Everything => [.. Ordinary, .. Nasty()];

    private static XDocument Xml(ReadOnlyMemory<byte> bytes) => XDocument.Parse(Encoding.UTF8.GetString(bytes.Span));

    private static JsonElement Json(ReadOnlyMemory<byte> bytes) => JsonDocument.Parse(bytes).RootElement;

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_writer_passes_the_lint_with_ordinary_and_nasty_entries(FeedFormat format)
    {
        var document = FeedWriter.Write(format, India, Everything);

        FeedLint.AssertValid(format, document.Content, India.UrlOf(format));
        Assert.Equal(6, document.Items);
        Assert.Equal(5, document.ItemsWithContent);
        Assert.Equal(India.PathOf(format), document.Path);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_writer_passes_the_lint_with_no_entries(FeedFormat format)
    {
        FeedLint.AssertValid(format, FeedWriter.Write(format, India, []).Content, India.UrlOf(format));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void The_lint_catches_what_it_is_for(FeedFormat format)
    {
        // The lint must fail a feed that breaks its rules, or its passes prove nothing.
        var bytes = FeedWriter.Write(format, India, Ordinary).Content.ToArray();
        var text = Encoding.UTF8.GetString(bytes)
            .Replace("https://news.example.com/news/story-1", "/news/story-1", StringComparison.Ordinal)
            .Replace(India.UrlOf(format).AbsoluteUri, "https://elsewhere.example.com/feed", StringComparison.Ordinal)
            .Replace("Story 0: dengue", format == FeedFormat.Json ? "Story 0: <b>dengue</b>" : "Story 0: &lt;b&gt;dengue&lt;/b&gt;", StringComparison.Ordinal);
        if (format == FeedFormat.Rss)
        {
            text = text.Replace("Mon, 02 Dec 2024", "Tue, 02 Dec 2024", StringComparison.Ordinal)
                .Replace("xmlns:atom=", "xmlns:a10=", StringComparison.Ordinal).Replace("<atom:link", "<a10:link", StringComparison.Ordinal);
        }

        var problems = FeedLint.Check(format, Encoding.UTF8.GetBytes(text), India.UrlOf(format));

        Assert.Contains(problems, p => p.Contains("relative href", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("not the feed's own URL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("contains HTML", StringComparison.Ordinal));
        if (format == FeedFormat.Rss)
        {
            Assert.Contains(problems, p => p.Contains("says Tue but that day is a Monday", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("not the standard 'atom:'", StringComparison.Ordinal));
        }

        Assert.Contains("not well-formed", Assert.Single(FeedLint.Check(format == FeedFormat.Json ? FeedFormat.Rss : format, "<rss>\u0001</rss>"u8.ToArray(), India.UrlOf(format))), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void The_same_entries_give_the_same_bytes_and_an_edit_changes_them(FeedFormat format)
    {
        var first = FeedWriter.Write(format, India, Everything).Content.ToArray();
        var second = FeedWriter.Write(format, India, Everything).Content.ToArray();
        var edited = FeedWriter.Write(format, India, [Entry(0) with { Headline = "Corrected", Updated = Entry(0).Updated.AddMinutes(5) }, .. Everything.Skip(1)]).Content.ToArray();

        Assert.Equal(first, second);
        Assert.NotEqual(first, edited);
    }

    [Fact]
    public void Rss_has_the_channel_elements_readers_use()
    {
        var channel = Xml(FeedWriter.Write(FeedFormat.Rss, India, Everything).Content).Root!.Element("channel")!;

        Assert.Equal("News & Views: India", channel.Element("title")!.Value);
        Assert.Equal("All news from India.", channel.Element("description")!.Value);
        Assert.Equal("en", channel.Element("language")!.Value);
        Assert.Equal("15", channel.Element("ttl")!.Value);
        Assert.Equal("Syndication", channel.Element("generator")!.Value);
        Assert.Equal("https://news.example.com/logo.png", channel.Element("image")!.Element("url")!.Value);
        var links = channel.Elements(Atom + "link").ToDictionary(l => l.Attribute("rel")!.Value, l => l.Attribute("href")!.Value);
        Assert.Equal("https://feeds.example.com/editions/india/rss.xml", links["self"]);
        Assert.Equal("https://hub.example.com/", links["hub"]);

        // The newest change among the entries (entry 0 was updated 30 minutes after publication), not the clock.
        Assert.Equal("Mon, 02 Dec 2024 12:22:00 +0000", channel.Element("lastBuildDate")!.Value);
    }

    [Fact]
    public void Rss_items_carry_guid_dates_summary_then_content_author_categories_and_media()
    {
        var item = Xml(FeedWriter.Write(FeedFormat.Rss, India, Ordinary).Content).Root!.Element("channel")!.Element("item")!;

        Assert.Equal("https://news.example.com/news/story-0", item.Element("guid")!.Value);
        Assert.Equal("true", item.Element("guid")!.Attribute("isPermaLink")!.Value);
        Assert.Equal("Mon, 02 Dec 2024 11:52:00 +0000", item.Element("pubDate")!.Value);
        Assert.Equal(DayOfWeek.Monday, DateTimeOffset.ParseExact(item.Element("pubDate")!.Value, "ddd, dd MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture).DayOfWeek);
        var names = item.Elements().Select(e => e.Name).ToList();
        Assert.True(names.IndexOf("description") < names.IndexOf(Content + "encoded"), "description comes before content:encoded");
        Assert.Equal("Summary of story 0.", item.Element("description")!.Value);
        Assert.StartsWith("<p>Body of story 0", item.Element(Content + "encoded")!.Value, StringComparison.Ordinal);
        Assert.Equal("News Desk", item.Element(Dc + "creator")!.Value);
        Assert.Equal(
            ["https://news.example.com/sectors/ health", "https://news.example.com/sectors/ economy", "https://news.example.com/sections/ news"],
            item.Elements("category").Select(c => $"{c.Attribute("domain")!.Value} {c.Value}"));
        var media = item.Element(Media + "content")!;
        Assert.Equal("https://news.example.com/img/0.jpg", media.Attribute("url")!.Value);
        Assert.Equal("image", media.Attribute("medium")!.Value);
        Assert.Equal("1200", media.Attribute("width")!.Value);
        Assert.Equal("800", media.Attribute("height")!.Value);
        Assert.Equal("Photo: Agency", media.Element(Media + "credit")!.Value);
        Assert.Equal("A clinic in Delhi", media.Element(Media + "description")!.Value);
    }

    [Fact]
    public void Rss_uses_the_standard_prefixes()
    {
        var text = Encoding.UTF8.GetString(FeedWriter.Write(FeedFormat.Rss, India, Ordinary).Content.Span);

        Assert.Contains("xmlns:atom=\"http://www.w3.org/2005/Atom\"", text, StringComparison.Ordinal);
        Assert.Contains("xmlns:dc=\"http://purl.org/dc/elements/1.1/\"", text, StringComparison.Ordinal);
        Assert.Contains("xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"", text, StringComparison.Ordinal);
        Assert.Contains("xmlns:media=\"http://search.yahoo.com/mrss/\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("a10:", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Nasty_entries_come_out_clean(FeedFormat format)
    {
        var bytes = FeedWriter.Write(format, India, Nasty()).Content;
        var (titles, bodies) = format switch
        {
            FeedFormat.Rss => (Items(Xml(bytes).Root!.Element("channel")!.Elements("item"), "title"), Items(Xml(bytes).Root!.Element("channel")!.Elements("item"), Content + "encoded")),
            FeedFormat.Atom => (Items(Xml(bytes).Root!.Elements(Atom + "entry"), Atom + "title"), Items(Xml(bytes).Root!.Elements(Atom + "entry"), Atom + "content")),
            _ => (Json(bytes).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()).ToList(),
                  Json(bytes).GetProperty("items").EnumerateArray().Select(i => i.TryGetProperty("content_html", out var c) ? c.GetString() : null).ToList()),
        };

        Assert.Equal(NastyTitles, titles.Select(t => t ?? "(none)"));

        // "]]>" survives the CDATA split, control characters are gone, every link is absolute.
        var body = bodies[0]!;
        Assert.Contains("raw ]]> inside, bell.", body, StringComparison.Ordinal);
        Assert.Contains("href=\"https://news.example.com/news/earlier\"", body, StringComparison.Ordinal);
        Assert.Contains("href=\"https://news.example.com/opinion/x?a=1&amp;b=2\"", body, StringComparison.Ordinal);
        Assert.Contains("href=\"https://news.example.com/analysis/rates-explained#notes\"", body, StringComparison.Ordinal);
        Assert.Contains("src=\"https://news.example.com/analysis/img/chart.png\"", body, StringComparison.Ordinal);
        Assert.Contains("srcset=\"https://news.example.com/analysis/img/chart.png 1x, https://news.example.com/img/chart@2x.png 2x\"", body, StringComparison.Ordinal);
        Assert.Contains("alt=\"a > b\"", body, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:desk@news.example.com\"", body, StringComparison.Ordinal);
        Assert.Contains("href=\"https://cdn.example.com/f.pdf\"", body, StringComparison.Ordinal);
        Assert.Null(bodies[2]);

        static List<string?> Items(IEnumerable<XElement> items, XName name) => [.. items.Select(i => i.Element(name)?.Value)];
    }

    [Fact]
    public void A_missing_summary_is_taken_from_the_body_and_cut_at_a_word()
    {
        var item = Xml(FeedWriter.Write(FeedFormat.Rss, India, Nasty()).Content).Root!.Element("channel")!.Elements("item").ElementAt(1);
        var description = item.Element("description")!.Value;

        Assert.StartsWith("No summary given: the writers take one from here. Words go on.", description, StringComparison.Ordinal);
        Assert.EndsWith("on.\u2026", description, StringComparison.Ordinal);
        Assert.True(description.Length <= 300);
    }

    [Fact]
    public void An_article_that_moved_keeps_its_permanent_id_and_links_to_where_it_is()
    {
        var rss = Xml(FeedWriter.Write(FeedFormat.Rss, India, Nasty()).Content).Root!.Element("channel")!.Element("item")!;
        var atom = Xml(FeedWriter.Write(FeedFormat.Atom, India, Nasty()).Content).Root!.Element(Atom + "entry")!;
        var json = Json(FeedWriter.Write(FeedFormat.Json, India, Nasty()).Content).GetProperty("items")[0];

        Assert.Equal("https://news.example.com/news/rates-explained", rss.Element("guid")!.Value);
        Assert.Equal("https://news.example.com/analysis/rates-explained", rss.Element("link")!.Value);
        Assert.Equal("https://news.example.com/news/rates-explained", atom.Element(Atom + "id")!.Value);
        Assert.Equal("https://news.example.com/analysis/rates-explained", atom.Element(Atom + "link")!.Attribute("href")!.Value);
        Assert.Equal("https://news.example.com/news/rates-explained", json.GetProperty("id").GetString());
        Assert.Equal("https://news.example.com/analysis/rates-explained", json.GetProperty("url").GetString());
    }

    [Fact]
    public void Atom_has_ids_dates_authors_links_and_categories()
    {
        var feed = Xml(FeedWriter.Write(FeedFormat.Atom, India, Everything).Content).Root!;

        Assert.Equal("en", feed.Attribute(XNamespace.Xml + "lang")!.Value);
        Assert.Equal("https://feeds.example.com/editions/india/atom.xml", feed.Element(Atom + "id")!.Value);
        Assert.Equal("2024-12-02T12:22:00Z", feed.Element(Atom + "updated")!.Value);
        Assert.Equal("News & Views", feed.Element(Atom + "author")!.Element(Atom + "name")!.Value);
        var links = feed.Elements(Atom + "link").ToDictionary(l => l.Attribute("rel")!.Value, l => l.Attribute("href")!.Value);
        Assert.Equal("https://news.example.com/", links["alternate"]);
        Assert.Equal("https://feeds.example.com/editions/india/atom.xml", links["self"]);
        Assert.Equal("https://hub.example.com/", links["hub"]);
        Assert.Equal("https://news.example.com/logo.png", feed.Element(Atom + "logo")!.Value);

        var entry = feed.Element(Atom + "entry")!;
        Assert.Equal("2024-12-02T11:52:00Z", entry.Element(Atom + "published")!.Value);
        Assert.Equal("2024-12-02T12:22:00Z", entry.Element(Atom + "updated")!.Value);
        Assert.Equal("News Desk", entry.Element(Atom + "author")!.Element(Atom + "name")!.Value);
        Assert.Equal("text", entry.Element(Atom + "summary")!.Attribute("type")!.Value);
        Assert.Equal("html", entry.Element(Atom + "content")!.Attribute("type")!.Value);
        Assert.Equal(
            ["health https://news.example.com/sectors/ Health", "economy https://news.example.com/sectors/ Economy & Business", "news https://news.example.com/sections/ News"],
            entry.Elements(Atom + "category").Select(c => $"{c.Attribute("term")!.Value} {c.Attribute("scheme")!.Value} {c.Attribute("label")!.Value}"));

        // An entry in another language says so; one updated "before" it was published is not.
        var nasty = feed.Elements(Atom + "entry").ToList();
        Assert.Equal("hi", nasty[3].Attribute(XNamespace.Xml + "lang")!.Value);
        Assert.Equal(nasty[4].Element(Atom + "published")!.Value, nasty[4].Element(Atom + "updated")!.Value);
    }

    [Fact]
    public void Json_feed_has_the_fields_of_version_1_1()
    {
        var feed = Json(FeedWriter.Write(FeedFormat.Json, India, Everything).Content);

        Assert.Equal("https://jsonfeed.org/version/1.1", feed.GetProperty("version").GetString());
        Assert.Equal("News & Views: India", feed.GetProperty("title").GetString());
        Assert.Equal("https://news.example.com/", feed.GetProperty("home_page_url").GetString());
        Assert.Equal("https://feeds.example.com/editions/india/feed.json", feed.GetProperty("feed_url").GetString());
        Assert.Equal("All news from India.", feed.GetProperty("description").GetString());
        Assert.Equal("en", feed.GetProperty("language").GetString());
        Assert.Equal("News & Views", feed.GetProperty("authors")[0].GetProperty("name").GetString());
        Assert.Equal("WebSub", feed.GetProperty("hubs")[0].GetProperty("type").GetString());
        Assert.Equal("https://hub.example.com/", feed.GetProperty("hubs")[0].GetProperty("url").GetString());

        var item = feed.GetProperty("items")[0];
        Assert.Equal("https://news.example.com/news/story-0", item.GetProperty("id").GetString());
        Assert.Equal("https://news.example.com/news/story-0", item.GetProperty("url").GetString());
        Assert.StartsWith("<p>Body of story 0", item.GetProperty("content_html").GetString(), StringComparison.Ordinal);
        Assert.Equal("Summary of story 0.", item.GetProperty("summary").GetString());
        Assert.Equal("https://news.example.com/img/0.jpg", item.GetProperty("image").GetString());
        Assert.Equal("2024-12-02T11:52:00Z", item.GetProperty("date_published").GetString());
        Assert.Equal("2024-12-02T12:22:00Z", item.GetProperty("date_modified").GetString());
        Assert.Equal("News Desk", item.GetProperty("authors")[0].GetProperty("name").GetString());
        Assert.Equal(["Health", "Economy & Business"], item.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        // Without a body, content_text carries the summary: JSON Feed requires one of the two.
        var bodiless = feed.GetProperty("items")[5];
        Assert.False(bodiless.TryGetProperty("content_html", out _));
        Assert.Equal("Only a summary.", bodiless.GetProperty("content_text").GetString());
        Assert.Equal(["Analysis"], feed.GetProperty("items")[3].GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Skip(1));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Fifty_items_with_huge_bodies_fit_the_cap_oldest_bodies_dropped_first(FeedFormat format)
    {
        // 50 items of 20 KB each: a megabyte, four times the cap. The cap must hold and the feed stay valid.
        var entries = Enumerable.Range(0, 50).Select(i => Entry(i) with { ContentHtml = Body(i, 20_000) }).ToList();

        var document = FeedWriter.Write(format, India, entries);

        Assert.InRange(document.Content.Length, 200_000, FeedWriteOptions.DefaultMaxBytes);
        FeedLint.AssertValid(format, document.Content, India.UrlOf(format));
        Assert.Equal(50, document.Items);
        Assert.InRange(document.ItemsWithContent, 1, 49);

        // Every item keeps its summary; only the newest keep their bodies.
        var withBody = BodiesByItem(format, document.Content);
        Assert.Equal(50, withBody.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i < document.ItemsWithContent), withBody);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void When_summaries_alone_are_too_large_the_oldest_items_go(FeedFormat format)
    {
        // Shuffled: "oldest" is by publication time, not by position.
        var entries = Enumerable.Range(0, 50).Select(i => Entry(i) with { Summary = new string('x', 9_000) + i }).Reverse().ToList();

        var document = FeedWriter.Write(format, India, entries, new FeedWriteOptions { MaxBytes = 100_000 });

        Assert.True(document.Content.Length <= 100_000, $"{document.Content.Length} bytes");
        FeedLint.AssertValid(format, document.Content, India.UrlOf(format));
        Assert.InRange(document.Items, 5, 11);
        Assert.Equal(0, document.ItemsWithContent);
        var kept = Ids(format, document.Content);
        Assert.Equal(Enumerable.Range(0, document.Items).Reverse().Select(i => $"https://news.example.com/news/story-{i}"), kept);
    }

    [Fact]
    public void A_channel_built_as_the_stage_builds_it_knows_its_sibling_feeds()
    {
        var channel = new FeedChannel(
            "editions/india/rss.xml", "India", "India news", new Uri("https://news.example.com/"), new Uri("http://127.0.0.1:10000/devstoreaccount1/feeds/editions/india/rss.xml"), "en", 15);

        Assert.Equal("editions/india/rss.xml", channel.Path);
        Assert.Equal("editions/india/atom.xml", channel.PathOf(FeedFormat.Atom));
        Assert.Equal("editions/india/feed.json", channel.PathOf(FeedFormat.Json));
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1/feeds/editions/india/rss.xml"), channel.SelfUrl);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1/feeds/editions/india/feed.json"), channel.UrlOf(FeedFormat.Json));
        var root = new FeedChannel("rss.xml", "All", "All news", new Uri("https://news.example.com/"), new Uri("https://feeds.example.com/rss.xml"), "en", 15);
        Assert.Equal("atom.xml", root.PathOf(FeedFormat.Atom));
        Assert.Equal(new Uri("https://feeds.example.com/atom.xml"), root.UrlOf(FeedFormat.Atom));
        Assert.Throws<ArgumentException>(() => new FeedChannel("editions/india/feed.xml", "India", "", new Uri("https://news.example.com/"), new Uri("https://feeds.example.com/editions/india/feed.xml"), "en", 15));
    }

    [Fact]
    public void WriteAll_writes_the_three_formats_with_their_content_types()
    {
        var documents = FeedWriter.WriteAll(India, Everything);

        Assert.Equal(
            ["editions/india/rss.xml application/rss+xml; charset=utf-8", "editions/india/atom.xml application/atom+xml; charset=utf-8", "editions/india/feed.json application/feed+json; charset=utf-8"],
            documents.Select(d => $"{d.Path} {d.ContentType}"));
        Assert.All(documents, d => FeedLint.AssertValid(d.Format, d.Content, d.Url));
    }

    [Fact]
    public void WriteEach_and_the_buffer_writer_give_the_same_bytes_as_Write_capped_or_not()
    {
        // Capped (huge bodies, the second write) and not: the reused-buffer paths must not change a byte.
        var huge = Enumerable.Range(0, 50).Select(i => Entry(i) with { ContentHtml = Body(i, 20_000) }).ToList();
        foreach (var entries in new[] { Everything, huge })
        {
            var each = FeedWriter.WriteEach(India, entries).Select(d => (d.Format, d.Path, d.Items, d.ItemsWithContent, Bytes: d.Content.ToArray())).ToList();
            var all = FeedWriter.WriteAll(India, entries);

            Assert.Equal(all.Select(d => (d.Format, d.Path, d.Items, d.ItemsWithContent)), each.Select(d => (d.Format, d.Path, d.Items, d.ItemsWithContent)));
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            foreach (var (document, i) in all.Select((d, i) => (d, i)))
            {
                Assert.Equal(document.Content.ToArray(), each[i].Bytes);
                output.ResetWrittenCount();
                Assert.Equal(document.Content.Length, FeedWriter.Write(document.Format, India, entries, null, output));
                Assert.Equal(document.Content.ToArray(), output.WrittenSpan.ToArray());
            }

            output.ResetWrittenCount();
            RssWriter.Write(India, entries, null, output);
            Assert.Equal(RssWriter.Write(India, entries), output.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void An_entry_from_an_article_carries_body_images_and_language()
    {
        var article = new Article
        {
            Id = "a1",
            SourceKey = "urn:a1",
            Slug = "a1",
            Url = new Uri("https://news.example.com/news/a1"),
            Headline = "Headline",
            BodyHtml = "<p>Body</p>",
            Language = "hi",
            Images = [new ArticleImage(new Uri("https://news.example.com/a1.jpg"), "Alt", 10, 20, "Credit")],
            Created = Monday,
            Updated = Monday,
            Fingerprint = "f",
        };

        var entry = FeedEntry.From(article);

        Assert.Equal("<p>Body</p>", entry.ContentHtml);
        Assert.Equal("hi", entry.Language);
        Assert.Equal(article.Images, entry.Images);
        Assert.Equal(article.Url, entry.PermanentId);
    }

    private static List<bool> BodiesByItem(FeedFormat format, ReadOnlyMemory<byte> bytes) => format switch
    {
        FeedFormat.Rss => [.. Xml(bytes).Root!.Element("channel")!.Elements("item").Select(i => i.Element(Content + "encoded") is not null && i.Element("description") is not null)],
        FeedFormat.Atom => [.. Xml(bytes).Root!.Elements(Atom + "entry").Select(e => e.Element(Atom + "content") is not null && e.Element(Atom + "summary") is not null)],
        _ => [.. Json(bytes).GetProperty("items").EnumerateArray().Select(i => i.TryGetProperty("content_html", out _) && i.TryGetProperty("summary", out _))],
    };

    private static List<string> Ids(FeedFormat format, ReadOnlyMemory<byte> bytes) => format switch
    {
        FeedFormat.Rss => [.. Xml(bytes).Root!.Element("channel")!.Elements("item").Select(i => i.Element("guid")!.Value)],
        FeedFormat.Atom => [.. Xml(bytes).Root!.Elements(Atom + "entry").Select(e => e.Element(Atom + "id")!.Value)],
        _ => [.. Json(bytes).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)],
    };
}
