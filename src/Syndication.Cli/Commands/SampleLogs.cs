using System.Text.Json;

namespace Syndication.Cli.Commands;

/// <summary>When bundled page-view logs were written, so <c>run --samples</c> ranks them as of then.</summary>
internal static class SampleLogs
{
    /// <summary>The end of the UTC hour of the newest view in the logs, or null when they hold none.</summary>
    public static DateTimeOffset? EndOfNewestHour(IEnumerable<string> files)
    {
        DateTimeOffset? newest = null;
        foreach (var line in files.SelectMany(File.ReadLines))
        {
            try
            {
                using var view = JsonDocument.Parse(line);
                if (view.RootElement.TryGetProperty("ts", out var ts) && ts.TryGetDateTimeOffset(out var instant) && (newest is null || instant > newest))
                {
                    newest = instant;
                }
            }
            catch (JsonException)
            {
                // A malformed line is the counter's to report, not ours.
            }
        }

        return newest is { } last ? new DateTimeOffset(last.UtcDateTime.Date.AddHours(last.UtcDateTime.Hour + 1), TimeSpan.Zero) : null;
    }
}
