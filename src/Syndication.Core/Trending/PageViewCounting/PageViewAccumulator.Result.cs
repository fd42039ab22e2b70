using System.Runtime.CompilerServices;
using System.Text;

namespace Syndication.Core.Trending;

/// <summary>
/// The result: every bucket named and put in order (edition, article key ordinal, hour), with the
/// counters. Runs once per log, over every bucket.
/// </summary>
internal sealed unsafe partial class PageViewAccumulator
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    // Called once per log, so tiered compilation would leave its loops over every bucket in
    // unoptimized code (with a checked write barrier per name stored): compile it optimized at once.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PageViewAggregation Finish()
    {
        CountParsed();
        CountPending(); // the last batch
        GC.KeepAlive(_touched);
        var articleNames = new string[_articles.Count];
        for (var i = 0; i < articleNames.Length; i++)
        {
            articleNames[i] = Encoding.UTF8.GetString(_articles[i]);
        }

        var editionNames = _editions.Names();

        // Ordered by edition, article key (ordinal), hour. The names are ranked once, so the
        // buckets sort by (edition, article) pair rank, then hour: each bucket goes straight to
        // its place in the result (a counting sort over the pairs; a pair's few hours are put in
        // order in place), with no comparison sort of the whole key space.
        var editionRanks = OrdinalRanks(editionNames);
        var articleRanks = OrdinalRanks(articleNames);
        var buckets = new HourlyViewCount[_bucketCount];
        long counted = 0, views = 0;
        var estimated = 0;
        var pairCount = (long)editionNames.Length * articleNames.Length;
        if (pairCount <= Math.Max(4L * _bucketCount, 1 << 16))
        {
            // Where each pair's buckets start in the result.
            var starts = new int[pairCount + 1];
            for (var i = 0; i < _bucketCount; i++)
            {
                var key = _keys[i];
                starts[((long)editionRanks[key.Edition] * articleNames.Length) + articleRanks[key.Article] + 1]++;
            }

            for (var p = 1; p < starts.Length; p++)
            {
                starts[p] += starts[p - 1];
            }

            // The buckets read in their own order (no cache miss per bucket), each written to the
            // next place of its pair.
            for (var i = 0; i < _bucketCount; i++)
            {
                var key = _keys[i];
                var at = starts[((long)editionRanks[key.Edition] * articleNames.Length) + articleRanks[key.Article]]++;
                buckets[at] = Count(i, ref counted, ref views, ref estimated);
            }

            // starts[p] is now where pair p ends: sort each pair's buckets by hour. Buckets are
            // numbered as they are first seen, so in a log in time order they already are.
            for (long p = 0, begin = 0; p < pairCount; begin = starts[p++])
            {
                for (var j = (int)begin + 1; j < starts[p]; j++)
                {
                    var moving = buckets[j];
                    var k = j - 1;
                    for (; k >= begin && buckets[k].Hour > moving.Hour; k--)
                    {
                        buckets[k + 1] = buckets[k];
                    }

                    buckets[k + 1] = moving;
                }
            }
        }
        else
        {
            // Many editions and articles but few buckets (a sparse log): a comparison sort.
            var sorted = new BucketOrder[_bucketCount];
            for (var i = 0; i < _bucketCount; i++)
            {
                var key = _keys[i];
                sorted[i] = new BucketOrder(((long)editionRanks[key.Edition] << 32) | (uint)articleRanks[key.Article], key.Hour, i);
            }

            Array.Sort(sorted);
            for (var at = 0; at < sorted.Length; at++)
            {
                buckets[at] = Count(sorted[at].Bucket, ref counted, ref views, ref estimated);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        HourlyViewCount Count(int i, ref long counted, ref long views, ref int estimated)
        {
            var key = _keys[i];
            ref var bucket = ref _states[i];
            // The sessions counted exactly, plus the sketch's estimate of those after them, which
            // saw at least one new session and cannot have seen more than the views.
            var unique = bucket.Sketch != 0
                ? Math.Clamp(bucket.Exact + SessionSketch.Estimate(_sketches[bucket.Sketch - 1]), bucket.Exact + 1, bucket.Views)
                : bucket.Exact;
            estimated += bucket.Sketch == 0 ? 0 : 1;
            counted += unique;
            views += bucket.Views;
            return new HourlyViewCount(editionNames[key.Edition], articleNames[key.Article], Epoch.AddTicks(key.Hour * TimeSpan.TicksPerHour), unique);
        }

        return new PageViewAggregation
        {
            TotalLines = _lines,
            CountedViews = counted,
            BotViews = _bots,
            DuplicateSessionViews = views - counted,
            MalformedLines = _malformed,
            FirstMalformedLines = _firstMalformed.ToArray(),
            BlankLines = _blank,
            EstimatedBuckets = estimated,
            Buckets = buckets,
        };
    }

    private static int[] OrdinalRanks(string[] names)
    {
        var sorted = new int[names.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = i;
        }

        Array.Sort(sorted, (a, b) => string.CompareOrdinal(names[a], names[b]));
        var ranks = new int[names.Length];
        for (var rank = 0; rank < sorted.Length; rank++)
        {
            ranks[sorted[rank]] = rank;
        }

        return ranks;
    }

    /// <summary>A bucket's place in the result: edition and article ranks in one number, then the hour.</summary>
    private readonly record struct BucketOrder(long Names, int Hour, int Bucket) : IComparable<BucketOrder>
    {
        public int CompareTo(BucketOrder other) => Names != other.Names ? Names.CompareTo(other.Names) : Hour.CompareTo(other.Hour);
    }
}
