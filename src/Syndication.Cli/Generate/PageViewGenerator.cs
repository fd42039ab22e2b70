using System.Globalization;
using System.Text;

namespace Syndication.Cli.Generate;

/// <summary>An article page views can name: what the index knows of it.</summary>
internal sealed record ViewableArticle(string Key, DateTimeOffset Published);

/// <summary>
/// Writes synthetic page-view logs as a CDN export would: one JSON-lines file per UTC hour. The
/// traffic is shaped like a news site's: article popularity follows Zipf (s = 1.1) over a seeded
/// ranking and halves every 4 hours after publication, total traffic follows a day curve, 5% of
/// views are bots, sessions come from a pool a fifth the size of the views (readers come back),
/// editions get shares like a real site's, 0.5% of views name articles the site no longer lists,
/// and one line in 10,000 is cut short by a crashed writer. Deterministic for a seed.
/// </summary>
internal static class PageViewGenerator
{
    private const double ZipfExponent = 1.1;
    private const double HalfLifeHours = 4;

    public static IReadOnlyList<string> Write(
        IReadOnlyList<ViewableArticle> articles, IReadOnlyList<string> editions, long views, DateTimeOffset end, int hours, int seed, DirectoryInfo folder, TextWriter progress)
    {
        if (articles.Count == 0)
        {
            throw new CommandException("The index lists no recent articles to view: ingest or `generate index` some first, then `feeds`.");
        }

        folder.Create();
        var random = new Random(seed);
        var ranked = articles.OrderBy(_ => random.Next()).ToArray();
        var start = new DateTimeOffset(end.UtcDateTime.Date.AddHours(end.UtcDateTime.Hour), TimeSpan.Zero).AddHours(-hours + 1);
        var editionCdf = Cumulative(editions.Select((_, i) => i == 0 ? 3.0 : 1.0 + (1.0 / (i + 1))).ToArray());
        var dayCurve = Enumerable.Range(0, hours).Select(h => 1 + (0.6 * Math.Sin((start.AddHours(h).Hour - 9) * Math.PI / 12))).ToArray();
        var perHour = dayCurve.Select(c => (long)(views * c / dayCurve.Sum())).ToArray();
        perHour[^1] += views - perHour.Sum();
        var sessions = Math.Max(1, views / 5);
        var files = new List<string>();
        var line = new StringBuilder(256);
        for (var h = 0; h < hours; h++)
        {
            var hour = start.AddHours(h);
            var cdf = Cumulative([.. ranked.Select((a, rank) => Weight(rank, (hour - a.Published).TotalHours))]);
            var path = Path.Combine(folder.FullName, $"pageviews-{hour:yyyyMMddHH}.jsonl");
            using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16))
            {
                for (long i = 0; i < perHour[h]; i++)
                {
                    var key = cdf[^1] == 0 || random.Next(200) == 0
                        ? $"https://news.example.com/news/retired-story-{random.Next(100_000)}"
                        : ranked[Pick(cdf, random.NextDouble() * cdf[^1])].Key;
                    line.Clear()
                        .Append("{\"ts\":\"").Append(hour.AddSeconds(3600.0 * i / perHour[h]).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                        .Append("\",\"article\":\"").Append(key)
                        .Append("\",\"edition\":\"").Append(editions[Pick(editionCdf, random.NextDouble() * editionCdf[^1])])
                        .Append("\",\"session\":\"").Append(((ulong)random.NextInt64(sessions) * 0x9E3779B97F4A7C15UL).ToString("x16", CultureInfo.InvariantCulture))
                        .Append("\",\"agent\":\"").Append(random.Next(20) == 0 ? "bot" : "browser").Append("\"}");
                    if (random.Next(10_000) == 0)
                    {
                        line.Length /= 2;
                    }

                    writer.Write(line);
                    writer.Write('\n');
                }
            }

            files.Add(path);
            progress.WriteLine($"  {hour:yyyy-MM-dd HH}:00  {perHour[h]:N0} views  {Path.GetFileName(path)}");
        }

        return files;
    }

    /// <summary>Zipf by rank, halving every <see cref="HalfLifeHours"/> after publication; nothing before it.</summary>
    private static double Weight(int rank, double ageHours) =>
        ageHours < 0 ? 0 : Math.Pow(rank + 1, -ZipfExponent) * Math.Pow(2, -ageHours / HalfLifeHours);

    private static double[] Cumulative(double[] weights)
    {
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            weights[i] = sum;
        }

        return weights;
    }

    private static int Pick(double[] cdf, double at)
    {
        var i = Array.BinarySearch(cdf, at);
        return Math.Min(i < 0 ? ~i : i, cdf.Length - 1);
    }
}
