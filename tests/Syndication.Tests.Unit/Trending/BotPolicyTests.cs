using System.Text;
using Syndication.Core.Trending;

namespace Syndication.Tests.Trending;

public sealed class BotPolicyTests
{
    [Theory]
    [InlineData("bot")]
    [InlineData("BOT")]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")]
    [InlineData("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php) link-preview")]
    [InlineData("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")]
    [InlineData("CCBot/2.0 (https://commoncrawl.org/faq/)")]
    [InlineData("Screaming Frog SEO Spider/19.0")]
    [InlineData("python-scrapy/2.11")]
    [InlineData("UptimeRobot/2.0; Site Monitor")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36")]
    [InlineData("Chrome Prefetch")]
    public void An_agent_that_names_itself_a_bot_crawler_spider_scraper_preview_monitor_headless_or_prefetcher_is_a_bot(string agent) =>
        Assert.True(BotPolicy.IsBot(Encoding.UTF8.GetBytes(agent)));

    [Theory]
    [InlineData("browser")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0")]
    [InlineData("")]
    [InlineData("bo t")]
    public void A_reader_s_browser_is_not_a_bot(string agent) =>
        Assert.False(BotPolicy.IsBot(Encoding.UTF8.GetBytes(agent)));

    [Fact]
    public void Each_word_counts_in_any_ascii_case_anywhere_in_the_agent()
    {
        foreach (var word in new[] { "bot", "crawl", "spider", "scrap", "preview", "monitor", "headless", "prefetch" })
        {
            Assert.True(BotPolicy.IsBot(Encoding.UTF8.GetBytes($"Agent/1.0 ({word.ToUpperInvariant()})")), word);
            Assert.True(BotPolicy.IsBot(Encoding.UTF8.GetBytes($"{char.ToUpperInvariant(word[0])}{word[1..]}er/2")), word);
            Assert.True(BotPolicy.IsBot(Encoding.UTF8.GetBytes($"x-{word}")), word);
            Assert.False(BotPolicy.IsBot(Encoding.UTF8.GetBytes($"x-{word[..^1]}")), word); // one letter short is a reader
        }
    }

    [Fact]
    public void An_agent_is_read_up_to_its_first_256_bytes()
    {
        var padding = new string('a', 250);
        Assert.True(BotPolicy.IsBot(Encoding.UTF8.GetBytes(padding + " bot")));  // "bot" ends at byte 254
        Assert.False(BotPolicy.IsBot(Encoding.UTF8.GetBytes(padding + "      bot"))); // "bot" starts past byte 256
    }
}
