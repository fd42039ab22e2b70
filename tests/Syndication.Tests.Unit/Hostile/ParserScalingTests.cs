using System.Diagnostics;
using Xunit.Abstractions;

namespace Syndication.Tests.Hostile;

/// <summary>Tests that time CPU and so must not share the process with other tests.</summary>
[CollectionDefinition(nameof(CpuTimed), DisableParallelization = true)]
public sealed class CpuTimed;

/// <summary>
/// Every door's work grows linearly with its input, for the worst input we could construct
/// (<see cref="HostileShape"/>): the CPU time at 4n is compared with the time at n, in one process
/// and with nothing else running, never with an absolute bound. Linear work costs about 4 times as
/// much; quadratic work 16 times. The figures (time per MB at 4n) are printed with
/// <c>dotnet test tests/Syndication.Tests.Unit -c Release --filter FullyQualifiedName~ParserScalingTests --logger "console;verbosity=detailed"</c>
/// and copied into docs/security.md.
/// </summary>
[Collection(nameof(CpuTimed))]
public sealed class ParserScalingTests(ITestOutputHelper output)
{
    /// <summary>Time at 4n over time at n above which work is taken for superlinear (linear: 4, quadratic: 16).</summary>
    private const double MaxRatio = 8;

    /// <summary>Runs are repeated in batches of at least this much CPU time, so timer resolution and noise stay small.</summary>
    private const double BatchMilliseconds = 30;

    public static TheoryData<string> Shapes => [.. HostileShape.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Work_grows_linearly_with_the_input(string name)
    {
        var shape = HostileShape.All.Single(s => s.Name == name);
        var small = Measure(shape, shape.N);
        var large = Measure(shape, 4 * shape.N);
        var ratio = large.Milliseconds / small.Milliseconds;
        if (ratio >= MaxRatio)
        {
            // Once more before concluding: a burst of another process's work on a shared machine is
            // not the parser's. Superlinear work shows again; noise does not.
            var (smallAgain, largeAgain) = (Measure(shape, shape.N), Measure(shape, 4 * shape.N));
            if (largeAgain.Milliseconds / smallAgain.Milliseconds < ratio)
            {
                (small, large, ratio) = (smallAgain, largeAgain, largeAgain.Milliseconds / smallAgain.Milliseconds);
            }
        }

        output.WriteLine(
            $"{shape.Name} [{shape.Door}]: n={shape.N:N0} {small.Bytes:N0} B {small.Milliseconds:F2} ms; 4n {large.Bytes:N0} B {large.Milliseconds:F2} ms; " +
            $"ratio {ratio:F1}; {large.Milliseconds / (large.Bytes / 1048576.0):F0} ms/MB; {large.Outcome}");
        Assert.True(
            ratio < MaxRatio,
            $"{shape.Name}: {large.Milliseconds:F2} ms at 4n against {small.Milliseconds:F2} ms at n (ratio {ratio:F1}): the work grows faster than the input.");
    }

    /// <summary>
    /// CPU time of one run of the door on the shape at size n (built beforehand): the least of three
    /// batches, each of as many runs as take <see cref="BatchMilliseconds"/>; its size, and what the door said.
    /// </summary>
    private static (double Milliseconds, long Bytes, string Outcome) Measure(HostileShape shape, int n)
    {
        var input = shape.Make(n);
        var outcome = Doors.Run(shape.Door, input); // also warms up
        var best = double.MaxValue;
        for (var batch = 0; batch < 3; batch++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var process = Process.GetCurrentProcess();
            var before = process.TotalProcessorTime;
            var runs = 0;
            double spent;
            do
            {
                Doors.Run(shape.Door, input);
                runs++;
                process.Refresh();
                spent = (process.TotalProcessorTime - before).TotalMilliseconds;
            }
            while (spent < BatchMilliseconds);

            best = Math.Min(best, spent / runs);
        }

        return (best, input.Length, outcome is null ? "accepted" : "refused: " + (outcome.Length > 90 ? outcome[..90] + "..." : outcome));
    }
}
