using System.Diagnostics;

namespace Syndication.Benchmarks;

/// <summary>
/// The same comparisons as <see cref="FeedReaderBenchmarks"/>, timed by the process's processor
/// time rather than the wall clock: on a machine whose two cores are shared with other builds,
/// waiting for a core is not counted against whichever reader happened to be running.
/// </summary>
internal static class CpuTime
{
    public static void Run(TextWriter output, int passes)
    {
        var benchmarks = new FeedReaderBenchmarks();
        benchmarks.LoadCorpus();
        var cases = new (string Group, string Reader, Func<int> Pass)[]
        {
            ("Feeds all three read", "Ours", benchmarks.Ours_on_common_set),
            ("Feeds all three read", "CodeHollow.FeedReader", benchmarks.CodeHollow_on_common_set),
            ("Feeds all three read", "SyndicationFeed.Load", benchmarks.SyndicationFeed_on_common_set),
            ("Whole corpus", "Ours", benchmarks.Ours_on_whole_corpus),
            ("Whole corpus", "CodeHollow.FeedReader", benchmarks.CodeHollow_on_whole_corpus),
        };

        // Warm every case before timing any: the JIT's background tier-1 compiles count as the
        // process's processor time, and must be over before the first measurement starts.
        foreach (var (_, _, pass) in cases)
        {
            for (var i = 0; i < Math.Max(50, passes / 4); i++)
            {
                pass();
            }
        }

        Thread.Sleep(TimeSpan.FromSeconds(1));
        output.WriteLine($"| Group | Reader | CPU ms per pass | Allocated MB per pass |");
        output.WriteLine($"|---|---|---:|---:|");
        foreach (var (group, reader, pass) in cases)
        {
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < passes; i++)
            {
                pass();
            }

            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / passes;
            var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)passes / (1024 * 1024);
            output.WriteLine($"| {group} | {reader} | {cpu:F2} | {allocated:F2} |");
        }
    }
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

    /// <summary><see cref="RssWriterBenchmarks"/> by processor time, all three cases (or those whose name contains <paramref name="only"/>) warmed first.</summary>
    public static void RunRss(TextWriter output, int passes, string? only = null)
    {
        var benchmarks = new RssWriterBenchmarks();
        benchmarks.Setup();
        var cases = new (string Name, Func<long> Pass)[]
        {
            ("Rss20FeedFormatter", () => benchmarks.Rss20FeedFormatter().Length),
            ("RssWriter_same_items", () => benchmarks.RssWriter_same_items().Length),
            ("RssWriter_capped_at_250KB", () => benchmarks.RssWriter_capped_at_250KB().Length),
            ("Rss20FeedFormatter_reused_stream", benchmarks.Rss20FeedFormatter_reused_stream),
            ("RssWriter_same_items_reused_buffer", () => benchmarks.RssWriter_same_items_reused_buffer()),
            ("RssWriter_capped_at_250KB_reused_buffer", () => benchmarks.RssWriter_capped_at_250KB_reused_buffer()),
        };
        cases = [.. cases.Where(c => only is null || c.Name.Contains(only, StringComparison.Ordinal))];
        foreach (var (_, pass) in cases)
        {
            for (var i = 0; i < Math.Max(50, passes / 4); i++)
            {
                pass();
            }
        }

        Thread.Sleep(TimeSpan.FromSeconds(1));
        output.WriteLine("| case | CPU us per write | wall us per write | allocated KB per write | bytes | gen2 GCs per 1,000 writes |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, pass) in cases)
        {
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var gen2Before = GC.CollectionCount(2);
            var wall = Stopwatch.StartNew();
            long length = 0;
            for (var i = 0; i < passes; i++)
            {
                length = pass();
            }

            wall.Stop();
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / passes;
            var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)passes / 1024;
            var gen2 = (GC.CollectionCount(2) - gen2Before) * 1000.0 / passes;
            output.WriteLine($"| {name} | {cpu:F0} | {wall.Elapsed.TotalMicroseconds / passes:F0} | {allocated:F1} | {length:N0} | {gen2:F0} |");
        }
    }
}
