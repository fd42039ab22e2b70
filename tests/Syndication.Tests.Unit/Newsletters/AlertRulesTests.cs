using System.Text;
using Syndication.Core.Articles;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;
using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

public sealed class AlertRulesTests
{
    private static readonly Edition India = new("india", "India", "Asia/Kolkata", ["IN"]);
    private static readonly Edition Us = new("us", "United States", "America/New_York", ["US"]);

    [Theory]
    [InlineData("2026-11-25T16:29:00Z", AlertVerdict.Send)] // 21:59 in Kolkata: quiet from 22:00
    [InlineData("2026-11-25T16:31:00Z", AlertVerdict.Wait)] // 22:01
    [InlineData("2026-11-26T01:29:00Z", AlertVerdict.Wait)] // 06:59
    [InlineData("2026-11-26T01:30:00Z", AlertVerdict.Send)] // 07:00: quiet hours are over
    [InlineData("2026-11-25T10:00:00Z", AlertVerdict.Send)] // 15:30
    public void Quiet_hours_hold_an_alert_in_the_editions_own_zone(string now, AlertVerdict expected)
    {
        var rules = new AlertRules(new AlertOptions());
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);

        var decision = rules.Decide(India, at.AddMinutes(-5), at, sentToday: 0);

        Assert.Equal(expected, decision.Verdict);
    }

    [Fact]
    public void Dropping_instead_of_holding_is_a_setting_and_the_day_is_the_editions()
    {
        var rules = new AlertRules(new AlertOptions { DuringQuietHours = QuietHoursAction.Drop });
        var now = DateTimeOffset.Parse("2026-11-26T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture); // 22:00 on the 25th in New York

        var decision = rules.Decide(Us, now.AddMinutes(-1), now, sentToday: 0);

        Assert.Equal(AlertVerdict.Drop, decision.Verdict);
        Assert.Equal(new DateOnly(2026, 11, 25), decision.LocalDate);
        Assert.Contains("quiet hours", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_days_limit_and_the_age_limit_drop_an_alert()
    {
        var rules = new AlertRules(new AlertOptions { PerDay = 3, MaxAgeHours = 12 });
        var now = DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(AlertVerdict.Send, rules.Decide(India, now, now, sentToday: 2).Verdict);
        Assert.Equal(AlertVerdict.Drop, rules.Decide(India, now, now, sentToday: 3).Verdict);
        Assert.Equal(AlertVerdict.Drop, rules.Decide(India, now.AddHours(-13), now, sentToday: 0).Verdict);
    }

    [Theory]
    [InlineData("22:00-07:00", true)]
    [InlineData("", true)]
    [InlineData("22:00", false)]
    [InlineData("25:00-07:00", false)]
    [InlineData("07:00-07:00", false)]
    public void Quiet_hours_are_checked_at_start(string quietHours, bool valid)
    {
        Assert.Equal(valid, new AlertOptions { QuietHours = quietHours }.Validate().Count == 0);
        Assert.Equal(valid, new NewsletterOptions { Alerts = new AlertOptions { QuietHours = quietHours } }.Validate().Count == 0);
    }

    [Fact]
    public void Urgency_1_or_2_flags_breaking_news_in_ninjs_and_in_front_matter()
    {
        var ninjs = """{"uri":"urn:t:1","headline":"Quake","body_text":"A strong quake.","urgency":1}""";
        Assert.Equal(1, NinjsReader.Read(Encoding.UTF8.GetBytes(ninjs)).Urgency);
        Assert.Null(NinjsReader.Read(Encoding.UTF8.GetBytes(ninjs.Replace("\"urgency\":1", "\"urgency\":\"high\"", StringComparison.Ordinal))).Urgency);

        var markdown = "---\nuri: urn:t:2\nheadline: Quake\nurgency: 2\n---\n\nA strong quake.\n";
        Assert.Equal(2, MarkdownReader.Read(Encoding.UTF8.GetBytes(markdown), "q.md").Urgency);
        var wrong = Assert.Throws<RejectedInputException>(() => MarkdownReader.Read(Encoding.UTF8.GetBytes(markdown.Replace("urgency: 2", "urgency: 12", StringComparison.Ordinal)), "q.md"));
        Assert.Contains("urgency", wrong.Message, StringComparison.Ordinal);

        Assert.True(Article.Breaking(1));
        Assert.True(Article.Breaking(2));
        Assert.False(Article.Breaking(3));
        Assert.False(Article.Breaking(null));
    }
}
