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
}
