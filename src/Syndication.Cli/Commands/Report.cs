using Syndication.Pipeline;

namespace Syndication.Cli.Commands;

/// <summary>The lines several verbs print alike: a file's fate, a counted log, an ingest's totals.</summary>
internal static class Report
{
    public static void Outcome(TextWriter output, IngestOutcome outcome, int index, int? total)
    {
        var counter = total is { } t ? $"[{index}/{t}]" : $"[{index}]";
        var what = outcome.Result.ToString().ToLowerInvariant();
        var detail = outcome.Result switch
        {
            IngestResult.Rejected when outcome.Rejection is { } r =>
                r.Reason + (r.Line is { } line ? $" (line {line}{(r.Column is { } col ? $", column {col}" : "")})" : ""),
            IngestResult.Missing => "no longer in incoming/",
            _ => $"{outcome.ArticleId}  {outcome.Headline}" + (outcome.Publication is { } publication ? $"  [{publication}]" : ""),
        };
        output.WriteLine($"  {counter} {what,-9} {outcome.File}  {detail}");
    }

    public static void PageViews(TextWriter output, PageViewCountOutcome outcome)
    {
        if (outcome.Missing || outcome.AlreadyCounted || outcome.Aggregation is not { } log)
        {
            output.WriteLine($"  {outcome.File}: {(outcome.Missing ? "no longer in pageviews/" : "counted before, skipped")}");
            return;
        }

        output.WriteLine(
            $"  {outcome.File}: {log.TotalLines:N0} lines, {outcome.StoredViews:N0} views counted; not counted: {log.BotViews:N0} bot, " +
            $"{log.DuplicateSessionViews:N0} repeated, {outcome.UnknownArticleViews + outcome.UnknownEditionViews:N0} of unknown articles or editions, " +
            $"{log.MalformedLines:N0} malformed lines{(log.MalformedLines > 0 ? $" (first: {string.Join(", ", log.FirstMalformedLines)})" : "")}");
    }

    public static void Summary(TextWriter output, IReadOnlyCollection<IngestOutcome> outcomes)
    {
        int Count(IngestResult result) => outcomes.Count(o => o.Result == result);
        output.WriteLine(
            $"{outcomes.Count} file{(outcomes.Count == 1 ? "" : "s")}: {Count(IngestResult.Accepted)} accepted, {Count(IngestResult.Updated)} updated, " +
            $"{Count(IngestResult.Unchanged)} unchanged, {Count(IngestResult.Rejected)} rejected" +
            (Count(IngestResult.Rejected) > 0 ? " (kept in rejected/ with a reason)." : "."));
    }
}
