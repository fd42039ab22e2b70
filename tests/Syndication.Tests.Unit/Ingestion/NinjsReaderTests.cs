using System.Text;
using Syndication.Core.Articles;
using Syndication.Core.Ingestion;

namespace Syndication.Tests.Ingestion;

public sealed class NinjsReaderTests
{
    public static TheoryData<string> CorpusItems() =>
        Repository.HasCorpus
            ? new TheoryData<string>(Directory.GetFiles(Repository.CorpusFile("ninjs"), "*.json").Select(Path.GetFileName).Order()!)
            : new TheoryData<string> { "(corpus absent)" };

    /// <summary>Corpus items that are not articles we can publish, and the reason each is refused.</summary>
    private static readonly Dictionary<string, string> ExpectedRejections = new()
    {
        ["3.0-20231004-UEFA-ChampionLeague.json"] = "describes an event",
        ["2.1-ntb_text.json"] = "has no body",
    };

    [CorpusTheory]
    [MemberData(nameof(CorpusItems))]
    public void Every_corpus_item_reads_or_is_rejected_for_a_named_reason(string file)
    {
        if (ExpectedRejections.TryGetValue(file, out var reason))
        {
            var ex = Assert.Throws<RejectedInputException>(() => NinjsReader.Read(File.ReadAllBytes(Repository.CorpusFile("ninjs", file))));
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
            return;
        }

        var draft = NinjsReader.Read(File.ReadAllBytes(Repository.CorpusFile("ninjs", file)));

        Assert.False(string.IsNullOrWhiteSpace(draft.SourceKey));
        Assert.False(string.IsNullOrWhiteSpace(draft.Headline));
        Assert.Contains("<", draft.BodyHtml, StringComparison.Ordinal);
        Assert.NotNull(draft.Updated);
        Assert.Equal(TimeSpan.Zero, draft.Updated!.Value.Offset);
    }

    [CorpusFact]
    public void Versions_1_and_3_of_the_same_item_agree()
    {
        var v1 = NinjsReader.Read(File.ReadAllBytes(Repository.CorpusFile("ninjs", "1.4-ninjsExSimpleText1.json")));
        var v3 = NinjsReader.Read(File.ReadAllBytes(Repository.CorpusFile("ninjs", "3.1-004_simple_text_article.json")));

        Assert.Equal(v1.SourceKey, v3.SourceKey);
        Assert.Equal(v1.Headline, v3.Headline);
        Assert.Equal(v1.Updated, v3.Updated);
        Assert.Equal("Captain of wrecked cruise ship on trial in Italy", v3.Headline);
    }

    [Fact]
    public void Sample_of_version_2_gives_subjects_places_genre_and_ist_instants_in_utc()
    {
        var draft = NinjsReader.Read(File.ReadAllBytes(Repository.Sample("articles", "2026-11-23-rate-pause-opinion.ninjs.json")));

        Assert.Equal("urn:newsml:syndication.example:20261123:rate-pause-opinion", draft.SourceKey);
        Assert.Contains("genre:Opinion", draft.Genres);
        Assert.NotEmpty(draft.SubjectCodes);
        Assert.All(draft.SubjectCodes, code => Assert.StartsWith("medtop:", code, StringComparison.Ordinal));
        Assert.Equal(TimeSpan.Zero, draft.Created!.Value.Offset);
    }

    [Fact]
    public void Ist_offsets_become_the_same_instant_in_utc()
    {
        var json = """
            {"uri":"urn:test:ist","headline":"H","body_html":"<p>b</p>","versioncreated":"2024-12-02T17:22:00+05:30"}
            """;

        var draft = NinjsReader.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal(new DateTimeOffset(2024, 12, 2, 11, 52, 0, TimeSpan.Zero), draft.Updated);
    }

    [Fact]
    public void Truncated_json_is_rejected_with_its_position()
    {
        var ex = Assert.Throws<RejectedInputException>(() =>
            NinjsReader.Read(File.ReadAllBytes(Repository.Sample("broken", "truncated.ninjs.json"))));

        Assert.StartsWith("Not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Line > 1);
        Assert.True(ex.Column > 1);
    }

    [Fact]
    public void Item_without_headline_is_rejected_naming_the_field()
    {
        var ex = Assert.Throws<RejectedInputException>(() =>
            NinjsReader.Read(File.ReadAllBytes(Repository.Sample("broken", "no-headline.ninjs.json"))));

        Assert.Contains("no headline", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"headline":"H","body_html":"<p>b</p>"}""", "no 'uri'")]
    [InlineData("""{"uri":"u","headline":"H"}""", "no body")]
    [InlineData("""[1,2]""", "JSON object")]
    [InlineData("""{"uri":"u","headline":"H","body_html":"x","versioncreated":"yesterday"}""", "not an ISO 8601")]
    public void Unusable_items_are_rejected_with_a_reason(string json, string reason)
    {
        var ex = Assert.Throws<RejectedInputException>(() => NinjsReader.Read(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Withheld_and_canceled_items_carry_their_status()
    {
        var withheld = NinjsReader.Read("""{"uri":"u","headline":"H","body_html":"x","pubstatus":"withheld"}"""u8);
        var canceled = NinjsReader.Read("""{"uri":"u","headline":"H","body_html":"x","pubStatus":"canceled"}"""u8);

        Assert.Equal(PublicationStatus.Withheld, withheld.Status);
        Assert.Equal(PublicationStatus.Canceled, canceled.Status);
    }
}
