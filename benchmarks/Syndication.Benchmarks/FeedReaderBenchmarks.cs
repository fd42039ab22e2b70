using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Syndication.Benchmarks;

/// <summary>
/// Our upstream feed reader against CodeHollow.FeedReader (<c>ReadFromByteArray</c>) and
/// <c>SyndicationFeed.Load</c>. Each group parses, from bytes already in memory, the same feeds with
/// every reader in it, so each does the same work; one pass over the set is one operation. The
/// baseline of each group is its fastest peer.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FeedReaderBenchmarks
{
    private byte[][] _all = [];
    private byte[][] _codeHollowSet = [];
    private byte[][] _common = [];

    [GlobalSetup]
    public void LoadCorpus()
    {
        var feeds = Corpus.Load().Select(f => f.Bytes).ToArray();
        _all = [.. feeds.Where(b => Corpus.CanRead(Corpus.ReadOurs, b, out _))];
        _codeHollowSet = [.. feeds.Where(b => Corpus.CanRead(Corpus.ReadCodeHollow, b, out _))];
        _common = [.. _codeHollowSet.Where(b => Corpus.CanRead(Corpus.ReadSyndicationFeed, b, out _))];
        if (_all.Length != feeds.Length || _codeHollowSet.Length != feeds.Length)
        {
            // The groups below are labelled by what the corpus held when they were written.
            throw new InvalidOperationException($"Ours reads {_all.Length}, CodeHollow {_codeHollowSet.Length} of {feeds.Length} corpus feeds; expected all.");
        }
    }

    // The feeds every reader can read (21 of 27: SyndicationFeed refuses RSS 0.91/0.92, RDF, an
    // <rss> without version, a CDATA section where it wants text, and a raw control character).
    [Benchmark(Description = "Ours")]
    [BenchmarkCategory("Feeds all three read")]
    public int Ours_on_common_set() => ReadAll(_common, b => Corpus.ReadOurs(b).Entries.Count);

    [Benchmark(Description = "CodeHollow.FeedReader")]
    [BenchmarkCategory("Feeds all three read")]
    public int CodeHollow_on_common_set() => ReadAll(_common, b => Corpus.ReadCodeHollow(b).Items.Count);

    [Benchmark(Baseline = true, Description = "SyndicationFeed.Load")]
    [BenchmarkCategory("Feeds all three read")]
    public int SyndicationFeed_on_common_set() => ReadAll(_common, b => Corpus.ReadSyndicationFeed(b).Items.Count());

    // The whole corpus: CodeHollow is the only peer that reads every feed.
    [Benchmark(Description = "Ours")]
    [BenchmarkCategory("Whole corpus")]
    public int Ours_on_whole_corpus() => ReadAll(_all, b => Corpus.ReadOurs(b).Entries.Count);

    [Benchmark(Baseline = true, Description = "CodeHollow.FeedReader")]
    [BenchmarkCategory("Whole corpus")]
    public int CodeHollow_on_whole_corpus() => ReadAll(_codeHollowSet, b => Corpus.ReadCodeHollow(b).Items.Count);

    private static int ReadAll(byte[][] feeds, Func<byte[], int> read)
    {
        var entries = 0;
        foreach (var feed in feeds)
        {
            entries += read(feed);
        }

        return entries;
    }
}
