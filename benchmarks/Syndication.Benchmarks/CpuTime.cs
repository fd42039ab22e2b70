using System.Diagnostics;

namespace Syndication.Benchmarks;

/// <summary>
/// <see cref="PageViewAggregationBenchmarks"/> timed by the process's processor time rather than
/// the wall clock: on a machine whose two cores are shared with other builds, waiting for a core
/// is not counted against the code measured. The other classes go through <see cref="CpuRounds"/>.
/// </summary>
internal static class CpuTime
{
    /// <summary>
    /// <see cref="PageViewAggregationBenchmarks"/> by processor time: ours on the first
    /// <paramref name="lines"/> generated lines and, unless <paramref name="plain"/> is false, the
    /// plain version on the first million; warmed once, then timed per pass.
    /// </summary>
    public static void RunPageViews(TextWriter output, int lines, int passes, bool plain)
    {
        var (log, bytes) = PageViewAggregationBenchmarks.Generate(lines);
        var (plainLog, plainBytes) = PageViewAggregationBenchmarks.Generate(PageViewAggregationBenchmarks.PlainLines);
        var cases = new List<(string Name, int Lines, Func<object> Pass)>
        {
            ($"PageViewAggregator, {lines:N0} lines", lines, () => Syndication.Core.Trending.PageViewAggregator.Aggregate(new PageViewAggregationBenchmarks.ChunkStream(log, bytes))),
            ($"PageViewAggregator, {PageViewAggregationBenchmarks.PlainLines:N0} lines", PageViewAggregationBenchmarks.PlainLines, () => Syndication.Core.Trending.PageViewAggregator.Aggregate(new PageViewAggregationBenchmarks.ChunkStream(plainLog, plainBytes))),
        };
        if (plain)
        {
            cases.Add(($"JsonSerializer + LINQ, {PageViewAggregationBenchmarks.PlainLines:N0} lines", PageViewAggregationBenchmarks.PlainLines, () => PageViewAggregationBenchmarks.PlainAggregate(new PageViewAggregationBenchmarks.ChunkStream(plainLog, plainBytes))));
        }

        output.WriteLine("| case | pass | CPU ns per line | wall ns per line | allocated B per line |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, count, pass) in cases)
        {
            pass(); // warm-up: JIT tiers and first-touch of the pages
            GC.Collect();
            Thread.Sleep(TimeSpan.FromSeconds(1));
            for (var i = 0; i < passes; i++)
            {
                var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var wall = Stopwatch.StartNew();
                GC.KeepAlive(pass());
                wall.Stop();
                process.Refresh();
                var cpu = (process.TotalProcessorTime - cpuBefore).TotalNanoseconds / count;
                var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)count;
                output.WriteLine($"| {name} | {i + 1} | {cpu:F0} | {wall.Elapsed.TotalNanoseconds / count:F0} | {allocated:F1} |");
                GC.Collect();
            }
        }
    }
}
