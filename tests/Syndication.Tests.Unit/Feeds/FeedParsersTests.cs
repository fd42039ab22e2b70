using Syndication.Core.Feeds;
using static Syndication.Tests.Feeds.FeedSamples;
using CodeHollowReader = CodeHollow.FeedReader.FeedReader;

namespace Syndication.Tests.Feeds;

/// <summary>
/// Three independent parsers (CodeHollow.FeedReader in .NET; rss-parser and feed-extractor from
/// npm) read what we write and must see the ids, titles, links and dates we wrote, nasty entries
/// included. Where a parser documents a different choice, the test names it.
/// </summary>
public sealed class FeedParsersTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("syndication-feeds-").FullName;

    public static TheoryData<FeedFormat> Formats => [.. FeedFormats.All];

    private static IReadOnlyList<FeedEntry> Entries => [Entry(0), Entry(1), Entry(2), .. Nasty()];

    private static IReadOnlyList<string> Titles => [.. new[] { 0, 1, 2 }.Select(i => $"Story {i}: dengue cases fall in Delhi"), .. NastyTitles];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Three_parsers_see_the_items_we_wrote(FeedFormat format)
    {
        var file = Path.Combine(_directory, FeedFormats.FileName(format));
        await File.WriteAllBytesAsync(file, FeedWriter.Write(format, India, Entries).Content.ToArray());

        var (npm, skipped) = await NodeFeedParsers.ParseAsync(file);
        var parsers = new Dictionary<string, List<ParsedItem>>(npm) { ["CodeHollow.FeedReader"] = ReadWithCodeHollow(file) };

        // rss-parser reads no JSON Feed; the other two must then agree without it.
        Assert.Equal(format == FeedFormat.Json ? ["rss-parser"] : [], skipped.Keys);
        Assert.Equal(format == FeedFormat.Json ? 2 : 3, parsers.Count);
        foreach (var (parser, items) in parsers)
        {
            Assert.True(items.Count == Entries.Count, $"{parser} saw {items.Count} items of {Entries.Count} in {format}");
            for (var i = 0; i < Entries.Count; i++)
            {
                var entry = Entries[i];
                var seen = items[i];
                var where = $"{parser}, {format}, item {i}";
                Assert.True(entry.PermanentId.AbsoluteUri == seen.Id, $"{where}: id {seen.Id}, not {entry.PermanentId}");
                Assert.True(Titles[i] == seen.Title, $"{where}: title '{seen.Title}', not '{Titles[i]}'");
                Assert.True(ExpectedLink(parser, format, entry) == seen.Link, $"{where}: link {seen.Link}, not {ExpectedLink(parser, format, entry)}");
                Assert.True(ExpectedDate(parser, format, entry) == seen.Date, $"{where}: date {seen.Date:O}, not {ExpectedDate(parser, format, entry):O}");
            }
        }
    }

    /// <summary>
    /// feed-extractor takes an RSS guid with isPermaLink="true" as the item's link, over
    /// <c>link</c>: for an article that moved, it links to the permanent URL, which must therefore
    /// keep answering (a redirect to the current one).
    /// </summary>
    private static string ExpectedLink(string parser, FeedFormat format, FeedEntry entry) =>
        parser == "feed-extractor" && format == FeedFormat.Rss ? entry.PermanentId.AbsoluteUri : entry.Url.AbsoluteUri;

    /// <summary>
    /// The date a parser calls the item's: publication, except feed-extractor on Atom, which
    /// prefers <c>updated</c> (hence both are written, and updated is never before published).
    /// </summary>
    private static DateTimeOffset ExpectedDate(string parser, FeedFormat format, FeedEntry entry) =>
        parser == "feed-extractor" && format == FeedFormat.Atom ? Max(entry.Created, entry.Updated) : entry.Created;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static List<ParsedItem> ReadWithCodeHollow(string file)
    {
        var feed = CodeHollowReader.ReadFromFile(file);
        return [.. feed.Items.Select(item => new ParsedItem(
            item.Id,
            item.Title,
            item.Link,
            item.PublishingDate is { } date ? new DateTimeOffset(date) : null))];
    }
}
