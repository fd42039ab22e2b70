using System.Text;
using Syndication.Core.Articles;
using Syndication.Core.Ingestion;

namespace Syndication.Tests.Ingestion;

public sealed class MarkdownReaderTests
{
    [Fact]
    public void Front_matter_names_the_story_and_the_body_becomes_html()
    {
        var path = Repository.Sample("articles", "2026-11-25-ai-tutors-interview.md");

        var draft = MarkdownReader.Read(File.ReadAllBytes(path), Path.GetFileName(path));

        Assert.Equal("urn:newsml:syndication.example:20261125:ai-tutors-interview", draft.SourceKey);
        Assert.Equal(SectionType.Interview, draft.Section);
        Assert.NotEmpty(draft.Editions);
        Assert.NotEmpty(draft.Sectors);
        Assert.StartsWith("<", draft.BodyHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("headline:", draft.BodyHtml, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, draft.Created!.Value.Offset);
    }

    [Fact]
    public void Markdown_syntax_is_rendered()
    {
        var text = "---\nuri: urn:t:1\nheadline: Title\n---\n\n## Heading\n\n- one\n- two\n\nSome *emphasis* and a [link](https://example.org/).\n";

        var draft = MarkdownReader.Read(Encoding.UTF8.GetBytes(text), "t.md");

        Assert.Contains("<h2", draft.BodyHtml, StringComparison.Ordinal);
        Assert.Contains("<li>one</li>", draft.BodyHtml, StringComparison.Ordinal);
        Assert.Contains("<em>emphasis</em>", draft.BodyHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.org/\"", draft.BodyHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_yaml_is_rejected_with_the_line_in_the_file()
    {
        var path = Repository.Sample("broken", "bad-front-matter.md");
        var lines = File.ReadAllLines(path);

        var ex = Assert.Throws<RejectedInputException>(() => MarkdownReader.Read(File.ReadAllBytes(path), "bad-front-matter.md"));

        Assert.StartsWith("The front matter is not valid YAML", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("current state of the object", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Line);
        Assert.InRange(ex.Line!.Value, 2, lines.TakeWhile((l, i) => i == 0 || l != "---").Count() + 1);
    }

    [Theory]
    [InlineData("# No front matter\n", "no YAML front matter")]
    [InlineData("---\nuri: urn:t:1\n---\nbody\n", "no 'headline'")]
    [InlineData("---\nheadline: H\n---\nbody\n", "no 'uri'")]
    [InlineData("---\nuri: urn:t:1\nheadline: H\nsection: Gossip\n---\nbody\n", "Unknown section 'Gossip'")]
    [InlineData("---\nuri: urn:t:1\nheadline: H\n---\n", "no body")]
    public void Incomplete_files_are_rejected_with_a_reason(string text, string reason)
    {
        var ex = Assert.Throws<RejectedInputException>(() => MarkdownReader.Read(Encoding.UTF8.GetBytes(text), "x.md"));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
