using AngleSharp.Html.Parser;
using Syndication.Core.Status;

namespace Syndication.Tests.Unit.Status;

public sealed class StatusPageWriterTests
{
    private const string Hostile = "<script>alert('x')</script> \"quoted\" & <img src=x onerror=alert(1)>";

    [Fact]
    public void Hostile_text_in_every_field_is_shown_as_text_and_never_becomes_markup()
    {
        var html = StatusPageWriter.Write(StatusReportFixtures.Full(Hostile));
        var page = new HtmlParser().ParseDocument(html);

        Assert.Empty(page.QuerySelectorAll("script"));
        Assert.Empty(page.QuerySelectorAll("img"));
        Assert.Empty(page.QuerySelectorAll("b"));
        Assert.All(page.All, element => Assert.DoesNotContain(element.Attributes, a => a.Name.StartsWith("on", StringComparison.Ordinal)));

        // The reader sees the words exactly as they came: the site name, a headline, a chart's label.
        Assert.Equal($"Pipeline status: The Daily {Hostile}", page.Title);
        var link = Assert.Single(page.QuerySelectorAll("a"), a => a.TextContent.StartsWith("Second", StringComparison.Ordinal));
        Assert.Equal($"Second <script>alert(1)</script> {Hostile}", link.TextContent);
        Assert.Equal("https://news.example/a?x=1&y=%222%22", link.GetAttribute("href"));
        Assert.Contains(page.QuerySelectorAll("svg text.label"), t => t.TextContent.StartsWith("2. Second <script>alert(1)</script> <script>alert('x')", StringComparison.Ordinal));
        Assert.Contains(page.QuerySelectorAll("h3"), h => h.TextContent == $"empty {Hostile}");
        Assert.Contains(page.QuerySelectorAll("svg[role=img]"), svg => svg.GetAttribute("aria-label") == $"Bar chart: the top 10 trending stories of world {Hostile} by score, highest 100.");
        Assert.Contains(page.QuerySelectorAll("caption"), c => c.TextContent.Contains($"india/2026-11-25 {Hostile}", StringComparison.Ordinal));
        Assert.Contains(page.QuerySelectorAll("small"), s => s.TextContent == $"slow: {Hostile}");

        // A link that is not http(s) is not a link: its headline stays plain text.
        Assert.DoesNotContain(page.QuerySelectorAll("a"), a => a.GetAttribute("href")!.StartsWith("javascript:", StringComparison.Ordinal));
        Assert.Contains(page.QuerySelectorAll("td"), td => td.TextContent.StartsWith("First story", StringComparison.Ordinal) && td.Children.Length == 0);
    }

    [Fact]
    public void An_empty_report_says_there_is_nothing_yet_in_each_section()
    {
        var page = new HtmlParser().ParseDocument(StatusPageWriter.Write(StatusReportFixtures.Empty()));
        var text = page.Body!.TextContent;

        Assert.Contains("None: every dropped file could be read.", text, StringComparison.Ordinal);
        Assert.Contains("None: no story is waiting for its embargo.", text, StringComparison.Ordinal);
        Assert.Contains("No data yet: no run of the trending stage recorded a top score.", text, StringComparison.Ordinal);
        Assert.Contains("no issue sent in the last 30 days", text, StringComparison.Ordinal);
        Assert.Equal(2, page.QuerySelectorAll("td.none").Count(td => td.TextContent == "no run recorded yet"));
        Assert.Single(page.QuerySelectorAll("svg.chart")); // the ingest chart, drawn even when flat
    }

    [Fact]
    public void The_full_report_shows_its_counts_singular_and_plural_and_the_spam_lines()
    {
        var page = new HtmlParser().ParseDocument(StatusPageWriter.Write(StatusReportFixtures.Full()));
        var text = page.Body!.TextContent;

        Assert.Contains("Articles ingested1,234", text, StringComparison.Ordinal);
        Assert.Contains("9 files are kept in rejected/, the newest 3 below.", text, StringComparison.Ordinal);
        Assert.Contains("(line 3, column 17)", text, StringComparison.Ordinal);
        Assert.Contains("2 stories are in no public output yet", text, StringComparison.Ordinal);
        Assert.Contains("took 2 min 5 s", text, StringComparison.Ordinal);
        Assert.Contains("over Gmail's 0.3% limit", text, StringComparison.Ordinal);
        Assert.Contains("over Gmail's 0.1% line", text, StringComparison.Ordinal);
        Assert.Contains("not finished", text, StringComparison.Ordinal);
        Assert.Equal(6, page.QuerySelectorAll("section[aria-labelledby=newsletters] caption strong").Length); // 9 issues, the newest 6 with a table
        Assert.Equal(10, page.QuerySelectorAll("svg text.label").Count(t => t.TextContent.Contains(". Story ", StringComparison.Ordinal))); // 12 stories, the top 10

        var singular = StatusReportFixtures.All().Single(f => f.Name == "singular").Report;
        var one = new HtmlParser().ParseDocument(StatusPageWriter.Write(singular)).Body!.TextContent;
        Assert.Contains("1 file is kept in rejected/.", one, StringComparison.Ordinal);
        Assert.Contains("1 story is in no public output yet", one, StringComparison.Ordinal);
    }
}
