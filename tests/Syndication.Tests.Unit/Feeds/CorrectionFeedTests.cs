using Syndication.Core.Feeds;
using static Syndication.Tests.Feeds.FeedSamples;
using CodeHollowReader = CodeHollow.FeedReader.FeedReader;

namespace Syndication.Tests.Feeds;

/// <summary>
/// A correction as readers meet it: the same item (same id, same link) with the correction at the
/// top of its text, and, where the format has one, a later updated date. Read back by the three
/// parsers the writers are checked with.
/// </summary>
public sealed class CorrectionFeedTests : IDisposable
{
    private const string Note = "An earlier version of this story gave the wrong number of wards; it is 40, not 14.";

    private readonly string _directory = Directory.CreateTempSubdirectory("syndication-corrections-").FullName;

    public static TheoryData<FeedFormat> Formats => [.. FeedFormats.All];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Three_parsers_read_a_corrected_story_as_the_same_item_updated_with_the_correction_on_top(FeedFormat format)
    {
        var original = Entry(0);
        var corrected = original with { Correction = Note, Updated = original.Updated.AddHours(3) };

        var before = await ParseAsync(format, "before", original);
        var after = await ParseAsync(format, "after", corrected);

        // rss-parser reads no JSON Feed.
        Assert.Equal(format == FeedFormat.Json ? 2 : 3, after.Count);
        foreach (var (parser, item) in after)
        {
            var old = before[parser];
            var where = $"{parser}, {format}";
            Assert.True(old.Id == item.Id, $"{where}: the id changed from {old.Id} to {item.Id}");
            Assert.True(old.Link == item.Link, $"{where}: the link changed from {old.Link} to {item.Link}");
            Assert.True(item.Text?.StartsWith($"Correction: {Note}", StringComparison.Ordinal) == true, $"{where}: the text starts '{item.Text?[..Math.Min(80, item.Text.Length)]}'");
            Assert.DoesNotContain("Correction", old.Text ?? "", StringComparison.Ordinal);
            if (format != FeedFormat.Rss && item.Updated is { } updated)
            {
                // RSS 2.0 has no updated date: its readers see the same guid with new text.
                Assert.True(updated == corrected.Updated, $"{where}: updated {updated:O}, not {corrected.Updated:O}");
                Assert.True(old.Updated < updated, $"{where}: updated did not move on");
            }
        }

        // Atom and JSON Feed carry the update's date, and at least two parsers of each report it.
        if (format != FeedFormat.Rss)
        {
            Assert.True(after.Values.Count(i => i.Updated == corrected.Updated) >= 2, $"{format}: {string.Join(", ", after.Select(p => $"{p.Key}={p.Value.Updated:O}"))}");
        }
    }

    [FeedparserTheory]
    [InlineData(FeedFormat.Rss)]
    [InlineData(FeedFormat.Atom)]
    public async Task Feedparser_reads_a_corrected_story_as_the_same_item_updated_with_the_correction_on_top(FeedFormat format)
    {
        var original = Entry(0);
        var corrected = original with { Correction = Note, Updated = original.Updated.AddHours(3) };

        var before = await Feedparser.ParseAsync(FeedWriter.Write(format, India, [original]).Content.ToArray());
        var after = await Feedparser.ParseAsync(FeedWriter.Write(format, India, [corrected]).Content.ToArray());

        Assert.False(before.Bozo, before.BozoException);
        Assert.False(after.Bozo, after.BozoException);
        var old = Assert.Single(before.Entries);
        var item = Assert.Single(after.Entries);
        Assert.Equal(old.Id, item.Id);
        Assert.Equal(old.Link, item.Link);
        Assert.NotNull(item.Id);
        Assert.NotNull(item.Link);
        Assert.NotNull(item.Summary);
        Assert.NotEmpty(item.Content);

        // The summary and every content value open with the correction, as a reader's screen shows them.
        var texts = item.Content.Prepend(item.Summary ?? "").ToList();
        Assert.All(texts, text => Assert.StartsWith($"Correction: {Note}", Shown(text), StringComparison.Ordinal));
        Assert.All(old.Content.Prepend(old.Summary ?? ""), text => Assert.DoesNotContain("Correction", text, StringComparison.Ordinal));
        if (format == FeedFormat.Atom)
        {
            Assert.Equal(corrected.Updated, item.Updated);
            Assert.True(old.Updated < item.Updated, $"updated went from {old.Updated:O} to {item.Updated:O}");
        }
    }

    /// <summary>The text of feedparser's (sanitised) HTML: tags dropped, entities decoded.</summary>
    private static string Shown(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", "")).Trim();

    [Fact]
    public void The_body_opens_with_the_correction_in_every_format()
    {
        var corrected = Entry(0) with { Correction = "Wards: 40, <b>not</b> 14 (R&D)." };

        string Text(FeedFormat format) => System.Text.Encoding.UTF8.GetString(FeedWriter.Write(format, India, [corrected]).Content.Span);
        var rss = Text(FeedFormat.Rss);
        var atom = Text(FeedFormat.Atom);
        using var json = System.Text.Json.JsonDocument.Parse(Text(FeedFormat.Json));
        var item = json.RootElement.GetProperty("items")[0];

        const string Html = "<p class=\"correction\"><strong>Correction:</strong> Wards: 40, not 14 (R&amp;D).</p><p>Body of story 0";
        Assert.Contains("<content:encoded><![CDATA[" + Html, rss, StringComparison.Ordinal);
        Assert.Contains("<description>Correction: Wards: 40, not 14 (R&amp;D). Summary of story 0.</description>", rss, StringComparison.Ordinal);
        Assert.Contains("<content type=\"html\"><![CDATA[" + Html, atom, StringComparison.Ordinal);
        Assert.StartsWith(Html, item.GetProperty("content_html").GetString(), StringComparison.Ordinal);
        Assert.Equal("Correction: Wards: 40, not 14 (R&D). Summary of story 0.", item.GetProperty("summary").GetString());
    }

    private async Task<Dictionary<string, ParsedItem>> ParseAsync(FeedFormat format, string name, FeedEntry entry)
    {
        var file = Path.Combine(_directory, name + "-" + FeedFormats.FileName(format));
        await File.WriteAllBytesAsync(file, FeedWriter.Write(format, India, [entry]).Content.ToArray());
        var (npm, _) = await NodeFeedParsers.ParseAsync(file);
        var items = npm.ToDictionary(p => p.Key, p => p.Value.Single());
        items["CodeHollow.FeedReader"] = ReadWithCodeHollow(file);
        return items;
    }

    private static ParsedItem ReadWithCodeHollow(string file)
    {
        var item = CodeHollowReader.ReadFromFile(file).Items.Single();
        DateTimeOffset? updated = item.SpecificItem switch
        {
            CodeHollow.FeedReader.Feeds.AtomFeedItem atom when atom.UpdatedDate is { } date => new DateTimeOffset(date),
            CodeHollow.FeedReader.Feeds.JsonFeedItem json when json.DateModified is { } date => new DateTimeOffset(date),
            _ => null,
        };
        var text = item.SpecificItem switch
        {
            CodeHollow.FeedReader.Feeds.JsonFeedItem json => json.Summary ?? json.ContentText,
            _ => item.Description,
        };
        return new ParsedItem(item.Id, item.Title, item.Link, item.PublishingDate is { } published ? new DateTimeOffset(published) : null, updated, text);
    }
}
