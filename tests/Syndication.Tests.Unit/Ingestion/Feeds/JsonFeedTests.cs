using System.Text;
using Syndication.Core.Ingestion.Feeds;

namespace Syndication.Tests.Ingestion.Feeds;

/// <summary>JSON Feed 1.0 and 1.1; the corpus has none, so the samples are written here after the spec.</summary>
public sealed class JsonFeedTests
{
    private const string Version11 = """
        {
          "version": "https://jsonfeed.org/version/1.1",
          "title": "Devdiscourse Wire",
          "home_page_url": "https://wire.example.org/",
          "feed_url": "https://wire.example.org/feed.json",
          "language": "en-IN",
          "items": [
            {
              "id": "https://wire.example.org/2024/12/02/rbi-pause",
              "url": "https://wire.example.org/2024/12/02/rbi-pause",
              "title": "RBI holds the repo rate",
              "summary": "The central bank kept rates on hold.",
              "content_html": "<p>The Reserve Bank of India kept the repo rate at 6.5%.</p>",
              "date_published": "2024-12-02T17:22:00+05:30",
              "date_modified": "2024-12-02T18:00:00+05:30",
              "authors": [ { "name": "Priya Raman" }, { "name": "Wire Desk", "url": "https://wire.example.org/desk" } ],
              "tags": [ "economy", "medtop:04000000" ],
              "image": "https://img.example.org/rbi.jpg",
              "attachments": [
                { "url": "https://img.example.org/rbi-chart.png", "mime_type": "image/png", "title": "Repo rate since 2019" },
                { "url": "https://audio.example.org/rbi.mp3", "mime_type": "audio/mpeg" }
              ]
            },
            {
              "id": "urn:wire:2",
              "external_url": "https://elsewhere.example.com/story",
              "title": "Plain text story",
              "content_text": "First paragraph.\n\nSecond & last."
            }
          ]
        }
        """;

    [Fact]
    public void Version_1_1_reads_into_the_feed_and_its_entries()
    {
        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(Version11));

        Assert.Equal(FeedFormat.JsonFeed, feed.Format);
        Assert.Equal("1.1", feed.Version);
        Assert.Equal("Devdiscourse Wire", feed.Title);
        Assert.Equal("https://wire.example.org/", feed.Link);
        Assert.Equal("en-IN", feed.Language);
        Assert.Equal(2, feed.Entries.Count);

        var first = feed.Entries[0];
        Assert.Equal("https://wire.example.org/2024/12/02/rbi-pause", first.Id);
        Assert.Equal("RBI holds the repo rate", first.Title);
        Assert.Equal(new DateTimeOffset(2024, 12, 2, 11, 52, 0, TimeSpan.Zero), first.Published);
        Assert.Equal(new DateTimeOffset(2024, 12, 2, 12, 30, 0, TimeSpan.Zero), first.Updated);
        Assert.Equal("Priya Raman, Wire Desk", first.Author);
        Assert.Equal(["economy", "medtop:04000000"], first.Categories);
        Assert.Equal(["https://img.example.org/rbi.jpg", "https://img.example.org/rbi-chart.png"], first.Images.Select(i => i.Url.ToString()));
        Assert.Equal("Repo rate since 2019", first.Images[1].Alt);

        var second = feed.Entries[1];
        Assert.Equal("https://elsewhere.example.com/story", second.Link);
        Assert.Equal("<p>First paragraph.</p><p>Second &amp; last.</p>", second.ContentHtml);
    }

    [Fact]
    public void Version_1_1_entries_become_drafts()
    {
        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(Version11));

        var draft = feed.Entries[0].ToDraft(feed);

        Assert.Equal("https://wire.example.org/2024/12/02/rbi-pause", draft.SourceKey);
        Assert.Equal("RBI holds the repo rate", draft.Headline);
        Assert.Equal("The central bank kept rates on hold.", draft.Summary);
        Assert.Equal("<p>The Reserve Bank of India kept the repo rate at 6.5%.</p>", draft.BodyHtml);
        Assert.Equal("Priya Raman, Wire Desk", draft.Byline);
        Assert.Equal("en-IN", draft.Language);
        Assert.Equal(new DateTimeOffset(2024, 12, 2, 11, 52, 0, TimeSpan.Zero), draft.Created);
        Assert.Equal(new DateTimeOffset(2024, 12, 2, 12, 30, 0, TimeSpan.Zero), draft.Updated);
        Assert.Equal(["medtop:04000000"], draft.SubjectCodes);
        Assert.Equal(2, draft.Images.Count);
    }

    [Fact]
    public void Version_1_0_author_object_and_numeric_ids_are_read()
    {
        var json = """
            {"version":"https://jsonfeed.org/version/1","title":"Old","items":[
              {"id":42,"url":"https://old.example/42","title":"Hello","content_text":"Hi","author":{"name":"Ann"},"date_published":"2017-01-07T15:20:37Z"}
            ]}
            """;

        var feed = FeedReader.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal("1", feed.Version);
        Assert.Equal("42", feed.Entries[0].Id);
        Assert.Equal("Ann", feed.Entries[0].Author);
        Assert.Equal(new DateTimeOffset(2017, 1, 7, 15, 20, 37, TimeSpan.Zero), feed.Entries[0].Published);
    }

    [Fact]
    public void A_bom_and_white_space_before_the_json_are_allowed()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\n  " + Version11)).ToArray();

        Assert.Equal(FeedFormat.JsonFeed, FeedReader.Read(bytes).Format);
    }
}
