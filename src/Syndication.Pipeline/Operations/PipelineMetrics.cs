using System.Diagnostics.Metrics;

namespace Syndication.Pipeline.Operations;

/// <summary>
/// The <c>Syndication</c> meter: one counter per <see cref="StageCounts"/> name, tagged with
/// <c>stage</c>, plus runs (tagged with stage and outcome) and their duration. OpenTelemetry exports
/// it in the Functions app (<see cref="MeterName"/>); tests read it with a <see cref="MeterListener"/>.
/// Stages do not call this directly: they count through <see cref="StageRunRecorder.Add"/>, which
/// also adds to the current run.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "Syndication";

    private readonly Dictionary<string, Counter<long>> _counters;
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;

    public PipelineMetrics()
    {
        // One meter per composition (not a static one): two pipelines in one process (tests) count apart.
        Meter = new Meter(MeterName);
        _counters = StageCounts.Instruments.ToDictionary(
            kv => kv.Key,
            kv => Meter.CreateCounter<long>(kv.Value.Instrument, unit: "{item}", description: kv.Value.Description),
            StringComparer.Ordinal);
        _runs = Meter.CreateCounter<long>("syndication.stage.runs", unit: "{run}", description: "Runs of a stage, by outcome.");
        _duration = Meter.CreateHistogram<double>("syndication.stage.duration", unit: "s", description: "How long a run of a stage took.");
    }

    public Meter Meter { get; }

    /// <summary>Adds to the counter of <paramref name="count"/> (a <see cref="StageCounts"/> name; others are kept in the run only).</summary>
    public void Add(string stage, string count, long value)
    {
        if (value != 0 && _counters.TryGetValue(count, out var counter))
        {
            counter.Add(value, new KeyValuePair<string, object?>("stage", stage));
        }
    }

    public void RunEnded(string stage, string outcome, TimeSpan duration)
    {
        var tags = new[] { new KeyValuePair<string, object?>("stage", stage), new KeyValuePair<string, object?>("outcome", outcome) };
        _runs.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    public void Dispose() => Meter.Dispose();
}
