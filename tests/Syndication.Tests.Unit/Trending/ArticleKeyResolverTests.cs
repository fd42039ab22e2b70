using Syndication.Core.Articles;
using Syndication.Core.Trending;

namespace Syndication.Tests.Trending;

public sealed class ArticleKeyResolverTests
{
    private static readonly Article Dengue = new()
    {
        Id = ArticleIdentity.IdFor("urn:newsml:syndication.example:20261124:dengue-vaccine-rollout"),
        SourceKey = "urn:newsml:syndication.example:20261124:dengue-vaccine-rollout",
        Slug = "dengue-vaccine-rollout",
        Url = new Uri("https://news.example.com/news/dengue-vaccine-rollout"),
        Headline = "Dengue vaccine rollout",
        BodyHtml = "<p>Body</p>",
        Created = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero),
        Updated = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero),
        Fingerprint = "f",
    };

    [Theory]
    [InlineData("urn:newsml:syndication.example:20261124:dengue-vaccine-rollout")]
    [InlineData("https://news.example.com/news/dengue-vaccine-rollout")]
    [InlineData("https://cdn.example.net/india/health/dengue-vaccine-rollout?utm_source=x#top")]
    [InlineData("/india/health/dengue-vaccine-rollout")]
    public void Uri_id_url_and_path_all_name_the_article(string key)
    {
        var resolver = new ArticleKeyResolver([Dengue]);

        Assert.Equal(Dengue.Id, resolver.Resolve(key));
        Assert.Equal(Dengue.Id, resolver.Resolve(Dengue.Id));
        Assert.Null(resolver.Resolve("urn:newsml:syndication.example:unknown"));
    }

    [Fact]
    public void Counts_under_several_keys_of_one_article_add_up_and_unknown_ones_are_reported()
    {
        var hour = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        var resolved = new ArticleKeyResolver([Dengue]).Resolve(
        [
            new HourlyViewCount("india", Dengue.SourceKey, hour, 5),
            new HourlyViewCount("india", "/india/health/dengue-vaccine-rollout", hour, 2),
            new HourlyViewCount("india", "urn:probe", hour, 9),
        ]);

        Assert.Equal([new HourlyViewCount("india", Dengue.Id, hour, 7)], resolved.Views);
        Assert.Equal(9, resolved.UnresolvedViews);
        Assert.Equal(["urn:probe"], resolved.UnresolvedKeys);
    }
}
