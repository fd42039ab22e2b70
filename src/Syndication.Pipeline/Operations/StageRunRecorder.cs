using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Syndication.Adapters.Storage;

namespace Syndication.Pipeline.Operations;

/// <summary>
/// Records runs of stages: one <c>StageRuns</c> row per run (what the status page shows), the
/// <c>Syndication</c> meter's counters, and a logging scope that puts <c>Stage</c> (and the run's
/// subject) on every log line written during the run.
/// </summary>
/// <example>
/// A stage counts what it does, wherever it runs; whoever starts it (a function, the CLI) makes it a run:
/// <code>
/// // in the newsletter stage, per mail:
/// runs.Add(StageCounts.EmailsSent);            // or StageCounts.EmailsFailed
/// // in the function (one line), or the CLI:
/// await runs.RunAsync(StageNames.Newsletter, subject: issueId, () => stage.SendAsync(issueId, ct), ct);
/// // in the trending stage, once per run:
/// runs.Set(StageValues.TopTrendingScore, items[0].Score);
/// </code>
/// A run that throws is recorded as <see cref="StageOutcome.Failed"/> with the exception's message
/// and the exception goes on (the function fails, so the host's failure alert still fires); a run
/// that calls <see cref="Warn"/> ends as <see cref="StageOutcome.Warning"/>.
/// </example>
public sealed class StageRunRecorder(StageRunStore store, PipelineMetrics metrics, TimeProvider clock, ILogger<StageRunRecorder> logger)
{
    private readonly AsyncLocal<StageRun?> _current = new();

    /// <summary>The run the calling code is part of, or null outside of one.</summary>
    public StageRun? Current => _current.Value;

    /// <summary>
    /// Counts <paramref name="value"/> of <paramref name="count"/> in the current run and in the
    /// meter (tagged with the current run's stage, else <paramref name="stage"/>).
    /// </summary>
    public void Add(string count, long value = 1, string? stage = null)
    {
        var run = _current.Value;
        run?.Add(count, value);
        metrics.Add(run?.Stage ?? stage ?? "none", count, value);
    }

    /// <summary>Records a measurement of the current run (kept in its row; not a counter).</summary>
    public void Set(string name, double value) => _current.Value?.Set(name, value);

    /// <summary>Marks the current run as finished with a warning (a part of its work failed).</summary>
    public void Warn(string detail) => _current.Value?.Warn(detail);

    public async Task RunAsync(string stage, string? subject, Func<Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await RunAsync<bool>(stage, subject, async () =>
        {
            await work();
            return true;
        }, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> as one run of <paramref name="stage"/> and writes its row when it ends.</summary>
    public async Task<T> RunAsync<T>(string stage, string? subject, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var outer = _current.Value;
        var run = new StageRun(stage, subject, clock.GetUtcNow());
        var scope = new Dictionary<string, object?> { ["Stage"] = stage };
        if (subject is not null)
        {
            scope["Subject"] = subject;
        }

        using var logScope = logger.BeginScope(scope);
        var watch = Stopwatch.StartNew();
        _current.Value = run;
        try
        {
            var result = await work();
            await EndAsync(run, watch.Elapsed, run.Warnings.IsEmpty ? StageOutcome.Succeeded : StageOutcome.Warning, string.Join("; ", run.Warnings), cancellationToken);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Stage {Stage} failed: {Error}", stage, ex.Message);
            await EndAsync(run, watch.Elapsed, StageOutcome.Failed, ex.Message, CancellationToken.None);
            throw;
        }
        finally
        {
            _current.Value = outer;
        }
    }

    private async Task EndAsync(StageRun run, TimeSpan duration, StageOutcome outcome, string? detail, CancellationToken cancellationToken)
    {
        metrics.RunEnded(run.Stage, outcome.ToString(), duration);
        var record = new StageRunRecord(
            run.Stage, run.StartedAt, duration, outcome, run.Subject, string.IsNullOrEmpty(detail) ? null : detail,
            new Dictionary<string, long>(run.Counts, StringComparer.Ordinal), new Dictionary<string, double>(run.Values, StringComparer.Ordinal));
        try
        {
            await store.WriteAsync(record, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The run's own result matters more than its record: a failed write is logged, not thrown.
            logger.LogWarning(ex, "Could not record the run of {Stage}: {Error}", run.Stage, ex.Message);
        }

        logger.LogInformation("Stage {Stage} {Outcome} in {DurationMs} ms: {Counts}", run.Stage, outcome, (long)duration.TotalMilliseconds, record.Counts);
    }
}

/// <summary>A run in progress: its counts, measurements and warnings, safe to add to from parallel work.</summary>
public sealed class StageRun(string stage, string? subject, DateTimeOffset startedAt)
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _values = new(StringComparer.Ordinal);

    public string Stage { get; } = stage;

    public string? Subject { get; } = subject;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public IReadOnlyDictionary<string, double> Values => _values;

    internal ConcurrentQueue<string> Warnings { get; } = new();

    internal void Add(string count, long value) => _counts.AddOrUpdate(count, value, (_, n) => n + value);

    internal void Set(string name, double value) => _values[name] = value;

    internal void Warn(string detail) => Warnings.Enqueue(detail);
}
