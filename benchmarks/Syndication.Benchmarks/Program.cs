using BenchmarkDotNet.Running;
using Syndication.Benchmarks;

// `coverage` prints which corpus feeds each reader can read; `cpu` measures processor time per
// pass of the feed readers (`cpu pageviews`, `cpu rss`: of those subjects), which a busy shared
// machine distorts less than BenchmarkDotNet's wall clock; anything else goes to BenchmarkDotNet.
switch (args)
{
    case ["coverage"]:
        Corpus.PrintCoverage(Console.Out);
        break;
    case ["cpu", "pageviews", ..]:
        // cpu pageviews [lines] [passes] [noplain]
        CpuTime.RunPageViews(
            Console.Out,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : PageViewAggregationBenchmarks.Lines,
            args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3,
            plain: !args.Contains("noplain"));
        break;
    case ["cpu", "rss", ..]:
        // cpu rss [passes] [part of a case's name]
        CpuTime.RunRss(Console.Out, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 500, args.Length > 3 ? args[3] : null);
        break;
    case ["cpu", ..]:
        CpuTime.Run(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(FeedReaderBenchmarks).Assembly).Run(args);
        break;
}
