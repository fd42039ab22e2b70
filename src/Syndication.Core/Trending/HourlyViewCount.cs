namespace Syndication.Core.Trending;

/// <summary>
/// Human views of one article in one edition during one UTC hour: the unit the aggregator
/// produces, the stage stores and the ranker reads.
/// </summary>
/// <param name="Edition">Edition id as logged, lower-cased (<c>india</c>).</param>
/// <param name="Article">
/// The article key: as logged (uri, id or URL) when it comes from <see cref="PageViewAggregator"/>,
/// the article id once <see cref="ArticleKeyResolver"/> has mapped it.
/// </param>
/// <param name="Hour">Start of the UTC hour (minutes and seconds zero, offset zero).</param>
/// <param name="Views">Views counted: bots excluded, one per session.</param>
public readonly record struct HourlyViewCount(string Edition, string Article, DateTimeOffset Hour, long Views);
