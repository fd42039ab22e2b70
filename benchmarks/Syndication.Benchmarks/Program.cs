using BenchmarkDotNet.Running;
using Syndication.Benchmarks;

// `coverage` prints which corpus feeds each reader can read; `cpu` measures processor time per
// pass, which a busy shared machine distorts less than BenchmarkDotNet's wall clock; anything
// else goes to BenchmarkDotNet.
switch (args)
{
    case ["coverage"]:
        Corpus.PrintCoverage(Console.Out);
        break;
    case ["cpu", ..]:
        CpuTime.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(FeedReaderBenchmarks).Assembly).Run(args);
        break;
}
