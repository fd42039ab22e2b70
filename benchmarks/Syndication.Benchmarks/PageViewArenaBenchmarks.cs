using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Syndication.Core.Trending;

namespace Syndication.Benchmarks;

/// <summary>
/// Does the page-view counter's memory arena (2 MiB mappings advised for transparent huge pages,
/// small requests carved from shared chunks) earn its place? The same aggregation as
/// <see cref="PageViewAggregationBenchmarks"/>, on the same generated log, with the arena (the
/// baseline of each group) and with every table and bucket array taken from the native heap on its
/// own (<c>NativeMemory.AlignedAlloc</c>, zeroed), in one run. Mean is per line.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PageViewArenaBenchmarks
{
    private static readonly PageViewAggregatorOptions WithArena = new();
    private static readonly PageViewAggregatorOptions WithoutArena = new() { HugePageArena = false };

    private readonly List<double> _cpuNanosecondsPerLine = [];
    private TimeSpan _cpuAtStart;
    private List<byte[]> _log = [];
    private long _logBytes;
    private List<byte[]> _shortLog = [];
    private long _shortLogBytes;

    [GlobalSetup]
    public void Setup()
    {
        (_log, _logBytes) = PageViewAggregationBenchmarks.Generate(PageViewAggregationBenchmarks.Lines);
        (_shortLog, _shortLogBytes) = PageViewAggregationBenchmarks.Generate(PageViewAggregationBenchmarks.PlainLines);

        // The memory must not change a count.
        foreach (var (log, bytes) in new[] { (_log, _logBytes), (_shortLog, _shortLogBytes) })
        {
            var with = PageViewAggregator.Aggregate(new PageViewAggregationBenchmarks.ChunkStream(log, bytes), WithArena);
            var without = PageViewAggregator.Aggregate(new PageViewAggregationBenchmarks.ChunkStream(log, bytes), WithoutArena);
            if (!with.Buckets.SequenceEqual(without.Buckets) || with.CountedViews != without.CountedViews)
            {
                throw new InvalidOperationException("The aggregation counts differently without the arena.");
            }
        }
    }

    // The machine is shared: the process's CPU time per line (all threads, GC included) is printed at the end too.
    [IterationSetup]
    public void StartCpuClock() => _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;

    [IterationCleanup(Targets = [nameof(LongWithArena), nameof(LongWithoutArena)])]
    public void StopCpuClockLong() => _cpuNanosecondsPerLine.Add((Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalNanoseconds / PageViewAggregationBenchmarks.Lines);

    [IterationCleanup(Targets = [nameof(ShortWithArena), nameof(ShortWithoutArena)])]
    public void StopCpuClockShort() => _cpuNanosecondsPerLine.Add((Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalNanoseconds / PageViewAggregationBenchmarks.PlainLines);

    [GlobalCleanup]
    public void ReportCpu() =>
        Console.WriteLine($"// CPU time per line, each iteration (warm-up first): {string.Join(", ", _cpuNanosecondsPerLine.Select(n => n.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ns");

    [BenchmarkCategory("10M lines"), Benchmark(Baseline = true, OperationsPerInvoke = PageViewAggregationBenchmarks.Lines, Description = "huge-page arena")]
    public PageViewAggregation LongWithArena() => PageViewAggregator.Aggregate(new PageViewAggregationBenchmarks.ChunkStream(_log, _logBytes), WithArena);

    [BenchmarkCategory("10M lines"), Benchmark(OperationsPerInvoke = PageViewAggregationBenchmarks.Lines, Description = "NativeMemory.AlignedAlloc")]
    public PageViewAggregation LongWithoutArena() => PageViewAggregator.Aggregate(new PageViewAggregationBenchmarks.ChunkStream(_log, _logBytes), WithoutArena);

    [BenchmarkCategory("1M lines"), Benchmark(Baseline = true, OperationsPerInvoke = PageViewAggregationBenchmarks.PlainLines, Description = "huge-page arena")]
    public PageViewAggregation ShortWithArena() => PageViewAggregator.Aggregate(new PageViewAggregationBenchmarks.ChunkStream(_shortLog, _shortLogBytes), WithArena);

    [BenchmarkCategory("1M lines"), Benchmark(OperationsPerInvoke = PageViewAggregationBenchmarks.PlainLines, Description = "NativeMemory.AlignedAlloc")]
    public PageViewAggregation ShortWithoutArena() => PageViewAggregator.Aggregate(new PageViewAggregationBenchmarks.ChunkStream(_shortLog, _shortLogBytes), WithoutArena);
}
