using BenchmarkDotNet.Running;
using Syndication.Benchmarks;

// `coverage` prints which corpus feeds each reader can read; `cpu reader|rss|digest` times a
// benchmark class's cases by processor time in rounds (median of 5 by default), which a busy
// shared machine distorts less than BenchmarkDotNet's wall clock; `cpu pageviews` times the
// page-view aggregation passes; anything else goes to BenchmarkDotNet.
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
    case ["cpu", var subject, ..] when subject is "reader" or "rss" or "digest":
        // cpu reader|rss|digest [rounds] [milliseconds per measurement] [part of a case's name]
        CpuRounds.Run(
            Console.Out,
            subject switch
            {
                "reader" => typeof(FeedReaderBenchmarks),
                "rss" => typeof(RssWriterBenchmarks),
                _ => typeof(DigestRenderingBenchmarks),
            },
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5,
            args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 500,
            args.Length > 4 ? args[4] : null);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(FeedReaderBenchmarks).Assembly).Run(args);
        break;
}
