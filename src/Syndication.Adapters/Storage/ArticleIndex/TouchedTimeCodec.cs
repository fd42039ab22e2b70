// TouchedTimeCodec: the compact text form of the touched minutes in the change queue's record of scopes.
using System.Globalization;
using System.Text;

namespace Syndication.Adapters.Storage;

/// <summary>
/// The touched times of the queue's record, kept small: per scope, runs of UTC minute numbers
/// (<c>all=29412000-29412003,29412100;edition-india=29412001</c>). Over 30,000 characters (a
/// backlog scattered over months), runs closer than an hour are merged, then closer than a day,
/// then each scope becomes one run: more archive pages are looked at, none is missed.
/// </summary>
internal static class TouchedTimeCodec
{
    private const int MaxChars = 30_000;

    public static string Encode(Dictionary<string, List<(long First, long Last)>> minutes)
    {
        var text = "";
        foreach (var gap in new[] { 1L, 60, 24 * 60, long.MaxValue })
        {
            text = Write(minutes, gap);
            if (text.Length <= MaxChars)
            {
                break;
            }
        }

        return text;
    }

    public static void Decode(string? text, Dictionary<string, List<(long First, long Last)>> into)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (var scopeRuns in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = scopeRuns.IndexOf('=', StringComparison.Ordinal);
            if (!into.TryGetValue(scopeRuns[..equals], out var runs))
            {
                into[scopeRuns[..equals]] = runs = [];
            }

            foreach (var run in scopeRuns[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var dash = run.IndexOf('-', StringComparison.Ordinal);
                var first = long.Parse(dash < 0 ? run : run[..dash], CultureInfo.InvariantCulture);
                runs.Add((first, dash < 0 ? first : long.Parse(run[(dash + 1)..], CultureInfo.InvariantCulture)));
            }
        }
    }

    /// <summary>The minutes as spans of public dates per scope.</summary>
    public static Dictionary<string, IReadOnlyList<TouchedSpan>> Ranges(Dictionary<string, List<(long First, long Last)>> minutes) =>
        minutes.ToDictionary(
            m => m.Key,
            m => (IReadOnlyList<TouchedSpan>)[.. Merge(m.Value, 1).Select(r => new TouchedSpan(
                new DateTimeOffset(r.First * TimeSpan.TicksPerMinute, TimeSpan.Zero),
                new DateTimeOffset((r.Last + 1) * TimeSpan.TicksPerMinute, TimeSpan.Zero)))],
            StringComparer.Ordinal);

    private static string Write(Dictionary<string, List<(long First, long Last)>> minutes, long gap)
    {
        var text = new StringBuilder();
        foreach (var (scope, list) in minutes.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var runs = Merge(list, gap);
            if (runs.Count == 0)
            {
                continue;
            }

            text.Append(text.Length > 0 ? ";" : "").Append(scope).Append('=');
            text.AppendJoin(',', runs.Select(r => r.First == r.Last
                ? r.First.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{r.First}-{r.Last}")));
        }

        return text.ToString();
    }

    /// <summary>The runs sorted and joined where they overlap or the gap to the next is at most <paramref name="gap"/> minutes.</summary>
    private static List<(long First, long Last)> Merge(List<(long First, long Last)> runs, long gap)
    {
        var merged = new List<(long First, long Last)>();
        foreach (var run in runs.OrderBy(r => r.First))
        {
            if (merged.Count > 0 && run.First - merged[^1].Last <= gap)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, run.Last));
            }
            else
            {
                merged.Add(run);
            }
        }

        return merged;
    }
}
