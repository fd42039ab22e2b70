using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Syndication.Benchmarks;

/// <summary>
/// Any benchmark class's <c>[Benchmark]</c> methods timed by the process's processor time
/// (<see cref="Environment.CpuUsage"/>: all threads, the GC's included, to the microsecond), in
/// rounds. A round gives every case the same processor time in ten interleaved slices (a slice of
/// each case, then the next slice of each), so a burst of other work on a shared machine, which
/// slows code down even by processor time (caches, frequency), lands on every case of the round
/// alike. Each case's figure, and each ratio to its category's baseline, is the median of the
/// rounds (the ratio is taken within each round first).
/// </summary>
internal static class CpuRounds
{
    private const int Slices = 10;

    /// <param name="type">A class with <c>[GlobalSetup]</c> and <c>[Benchmark]</c> methods.</param>
    /// <param name="rounds">How many times each case is timed; 5 by default.</param>
    /// <param name="milliseconds">The processor time one measurement of one case aims at (its invocation count is calibrated to it).</param>
    /// <param name="only">Only the cases whose method name contains this, if given.</param>
    public static void Run(TextWriter output, Type type, int rounds, int milliseconds, string? only)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var setup in type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null))
        {
            setup.Invoke(instance, null);
        }

        var cases = type.GetMethods()
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<BenchmarkAttribute>()))
            .Where(c => c.Attribute is not null && (only is null || c.Method.Name.Contains(only, StringComparison.Ordinal)))
            .Select(c => new Case(
                c.Method.Name,
                c.Method.GetCustomAttribute<BenchmarkCategoryAttribute>()?.Categories.FirstOrDefault() ?? "",
                c.Attribute!.Baseline,
                c.Attribute.OperationsPerInvoke,
                () => c.Method.Invoke(instance, null)))
            .ToList();

        // Warm every case before timing any (JIT tiers, first touch of the memory), then choose
        // how many invocations make one measurement of about the asked processor time.
        foreach (var c in cases)
        {
            var (cpu, _, _) = Measure(c, 1);
            var invocations = 1;
            while (cpu.TotalMilliseconds * invocations < Math.Max(300, milliseconds) && invocations < 1_000_000)
            {
                invocations *= 2;
                (cpu, _, _) = Measure(c, invocations);
                cpu /= invocations;
            }

            c.Invocations = Math.Max(1, (int)Math.Ceiling(milliseconds / Math.Max(cpu.TotalMilliseconds, 0.001)));
        }

        Thread.Sleep(TimeSpan.FromSeconds(1));
        // Warm-up rounds, not counted, until no case got more than 5% faster than in the round
        // before (at most 8): the runtime keeps compiling hot methods again (tier 1, with what it
        // has seen) for a while after the first calls, on background threads whose processor
        // time counts, and a large library (Fluid, AngleSharp) takes seconds to settle.
        var warmups = 0;
        for (var round = -1; round < rounds; round++)
        {
            var totals = cases.ToDictionary(c => c, _ => (Cpu: TimeSpan.Zero, Wall: TimeSpan.Zero, Allocated: 0L, Operations: 0.0));
            for (var slice = 0; slice < Slices; slice++)
            {
                foreach (var c in cases)
                {
                    var invocations = Math.Max(1, c.Invocations / Slices);
                    var (cpu, wall, allocated) = Measure(c, invocations);
                    var t = totals[c];
                    totals[c] = (t.Cpu + cpu, t.Wall + wall, t.Allocated + allocated, t.Operations + ((double)invocations * c.OperationsPerInvoke));
                }
            }

            if (round < 0)
            {
                var settled = cases.All(c => c.WarmupMicroseconds is { } before && totals[c].Cpu.TotalMicroseconds / totals[c].Operations > before * 0.95);
                foreach (var c in cases)
                {
                    c.WarmupMicroseconds = totals[c].Cpu.TotalMicroseconds / totals[c].Operations;
                }

                if (!settled && ++warmups < 8)
                {
                    round--;
                }

                continue;
            }

            foreach (var c in cases)
            {
                var t = totals[c];
                c.CpuMicroseconds.Add(t.Cpu.TotalMicroseconds / t.Operations);
                c.WallMicroseconds.Add(t.Wall.TotalMicroseconds / t.Operations);
                c.AllocatedKilobytes = t.Allocated / t.Operations / 1024;
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {type.Name}: {warmups + 1} warm-up rounds, then {rounds} rounds; in each, every case given the same processor time in 10 interleaved slices; medians of the rounds"));
        output.WriteLine("| category | case | CPU µs per op (median) | CPU µs, each round | wall µs (median) | allocated KB per op | CPU ratio to baseline (median) | ratio, each round |");
        output.WriteLine("|---|---|---:|---|---:|---:|---:|---|");
        foreach (var c in cases)
        {
            var baseline = cases.FirstOrDefault(b => b.Baseline && b.Category == c.Category);
            var ratios = baseline is null ? null : c.CpuMicroseconds.Zip(baseline.CpuMicroseconds, (x, b) => x / b).ToList();
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {c.Category} | {c.Name} | {Median(c.CpuMicroseconds):F1} | {string.Join(", ", c.CpuMicroseconds.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))} | {Median(c.WallMicroseconds):F1} | {c.AllocatedKilobytes:F1} | {(ratios is null ? "" : Median(ratios).ToString("G4", CultureInfo.InvariantCulture))} | {(ratios is null ? "" : string.Join(", ", ratios.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))))} |"));
        }
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>
    /// One measurement: the garbage of whatever ran before is collected first, outside the
    /// measurement, so that its collection is not charged to this case; this case's own garbage is
    /// collected inside it, so that a case is charged for all it allocates (a full collection
    /// costs about the same in every slice, and every case's slice is the same processor time,
    /// so it moves no ratio).
    /// </summary>
    private static (TimeSpan Cpu, TimeSpan Wall, long Allocated) Measure(Case c, int invocations)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < invocations; i++)
        {
            GC.KeepAlive(c.Invoke());
        }

        GC.Collect();
        wall.Stop();
        return (Environment.CpuUsage.TotalTime - cpuBefore, wall.Elapsed, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
    }

    private sealed class Case(string name, string category, bool baseline, int operationsPerInvoke, Func<object?> invoke)
    {
        public string Name { get; } = name;

        public string Category { get; } = category;

        public bool Baseline { get; } = baseline;

        public int OperationsPerInvoke { get; } = operationsPerInvoke;

        public Func<object?> Invoke { get; } = invoke;

        public int Invocations { get; set; }

        public List<double> CpuMicroseconds { get; } = [];

        public List<double> WallMicroseconds { get; } = [];

        public double AllocatedKilobytes { get; set; }

        public double? WarmupMicroseconds { get; set; }
    }
}
