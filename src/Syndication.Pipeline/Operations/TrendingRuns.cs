namespace Syndication.Pipeline.Operations;

/// <summary>
/// Runs of the trending stage's two jobs, with what the status page shows of them: page views
/// counted (<see cref="StageNames.PageViews"/>) and the top score of each ranking
/// (<see cref="StageNames.Trending"/>). The stage itself stays as it is; its callers record.
/// </summary>
public static class TrendingRuns
{
    public static Task<IReadOnlyList<PageViewCountOutcome>> CountPageViewsAsync(
        this StageRunRecorder runs, string? subject, Func<Task<IReadOnlyList<PageViewCountOutcome>>> count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(count);
        return runs.RunAsync(StageNames.PageViews, subject, async () =>
        {
            var outcomes = await count();
            runs.Add(StageCounts.PageViewsCounted, outcomes.Sum(o => o.StoredViews));
            return outcomes;
        }, cancellationToken);
    }

    public static Task<PageViewCountOutcome> CountPageViewsAsync(
        this StageRunRecorder runs, string? subject, Func<Task<PageViewCountOutcome>> count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(count);
        return runs.RunAsync(StageNames.PageViews, subject, async () =>
        {
            var outcome = await count();
            runs.Add(StageCounts.PageViewsCounted, outcome.StoredViews);
            return outcome;
        }, cancellationToken);
    }

    public static Task<IReadOnlyList<TrendingOutcome>> RankTrendingAsync(
        this StageRunRecorder runs, string? subject, Func<Task<IReadOnlyList<TrendingOutcome>>> rank, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(rank);
        return runs.RunAsync(StageNames.Trending, subject, async () =>
        {
            var boxes = await rank();
            var scores = boxes.SelectMany(b => b.Document.Items).Select(i => i.Score).ToList();
            if (scores.Count > 0)
            {
                runs.Set(StageValues.TopTrendingScore, scores.Max());
            }

            return boxes;
        }, cancellationToken);
    }
}
