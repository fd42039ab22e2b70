using System.Runtime.InteropServices;

namespace Syndication.Core.Trending;

/// <summary>
/// Finding a view's bucket. Buckets are structs in one growing array. Logs are in time order, so
/// each (article, edition) pair remembers the bucket of the newest hour it has seen, and each
/// bucket the pair's bucket of the hour before it (<c>_earlier</c>): nearly every line then
/// reaches its bucket through one small dense array, and a new hour's bucket is added without a
/// hash lookup in a dictionary as large as the key space (fewer cache misses per line, and no
/// dictionary to grow). Only editions past the first few go through <c>_bucketIndex</c>.
/// </summary>
internal sealed unsafe partial class PageViewAccumulator
{
    private const int DenseEditions = 8;
    private readonly Dictionary<BucketKey, int> _bucketIndex = [];
    private BucketKey* _keys;
    private Bucket* _states;
    private int* _earlier; // the pair's bucket of an earlier hour, or -1
    private int _bucketCapacity;
    private int _bucketCount;
    private PairCache[] _pairs = new PairCache[1024 * DenseEditions];

    private int FindBucket(int edition, int article, int hour)
    {
        if (edition >= DenseEditions)
        {
            return FindBucketByKey(new BucketKey(edition, article, hour));
        }

        // A dense edition: the pair's buckets form a chain from the newest hour back, through
        // _earlier; the newest is in the pair cache. Lines in time order find their bucket there
        // or start a new one at the head; a line out of order walks back to its hour.
        var pair = (article * DenseEditions) + edition;
        if (pair >= _pairs.Length)
        {
            Array.Resize(ref _pairs, Math.Max(_pairs.Length * 2, (pair / DenseEditions * DenseEditions) + DenseEditions));
        }

        ref var head = ref _pairs[pair];
        if (head.Bucket == 0 || hour > head.Hour)
        {
            var added = AddBucket(new BucketKey(edition, article, hour), earlier: head.Bucket - 1);
            head = new PairCache(hour, added + 1);
            return added;
        }

        if (head.Hour == hour)
        {
            return head.Bucket - 1;
        }

        // Out of order: the chain is newest first, so stop at the first bucket not after the hour.
        var later = head.Bucket - 1;
        var at = _earlier[later];
        while (at >= 0 && _keys[at].Hour > hour)
        {
            later = at;
            at = _earlier[at];
        }

        if (at >= 0 && _keys[at].Hour == hour)
        {
            return at;
        }

        var inserted = AddBucket(new BucketKey(edition, article, hour), earlier: at);
        _earlier[later] = inserted;
        return inserted;
    }

    /// <summary>Editions past the first <see cref="DenseEditions"/> (a rare log): their buckets by key in a dictionary.</summary>
    private int FindBucketByKey(BucketKey key)
    {
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_bucketIndex, key, out var exists);
        if (!exists)
        {
            index = AddBucket(key, earlier: -1);
        }

        return index;
    }

    private int AddBucket(BucketKey key, int earlier)
    {
        if (_bucketCount == _bucketCapacity)
        {
            var capacity = Math.Max(1024, _bucketCapacity * 2);
            _states = Grown(_states, capacity);
            _keys = Grown(_keys, capacity);
            _earlier = Grown(_earlier, capacity);
            _bucketCapacity = capacity;
        }

        _keys[_bucketCount] = key;
        _earlier[_bucketCount] = earlier;
        return _bucketCount++;
    }

    /// <summary>A copy of the first <see cref="_bucketCount"/> items in a larger native array, the old one given back.</summary>
    private T* Grown<T>(T* items, int capacity)
        where T : unmanaged
    {
        var larger = (T*)_tableMemory.Allocate((nuint)capacity * (nuint)sizeof(T));
        if (items != null)
        {
            Buffer.MemoryCopy(items, larger, (long)capacity * sizeof(T), (long)_bucketCount * sizeof(T));
            _tableMemory.Release(items);
        }

        return larger;
    }

    /// <summary>Drops the bucket arrays (their memory is the table memory's, freed with it).</summary>
    private void ForgetBuckets()
    {
        _keys = null;
        _states = null;
        _earlier = null;
        _bucketCapacity = _bucketCount = 0;
    }

    private readonly record struct BucketKey(int Edition, int Article, int Hour)
    {
        public bool Equals(BucketKey other) => Article == other.Article && Hour == other.Hour && Edition == other.Edition;

        // Indexes are small dense integers: one multiply spreads them (the default combines with several rounds).
        public override int GetHashCode() => (int)(((ulong)(uint)Article << 32 | (uint)((Hour << 8) ^ Edition)) * 0x9E3779B97F4A7C15UL >> 32);
    }

    /// <summary>16 bytes and no reference, so the array of them grows by a plain copy (no GC write barriers) and packs four to a cache line.</summary>
    private struct Bucket
    {
        public long Views;

        /// <summary>Distinct sessions counted exactly (their fingerprints are in the hour's table).</summary>
        public int Exact;

        /// <summary>
        /// The sketch (in <c>_sketches</c>, index + 1; 0 for none) of the sessions after the first
        /// <see cref="PageViewAggregatorOptions.ExactSessionsPerBucket"/>, once there are more.
        /// </summary>
        public int Sketch;
    }

    private readonly record struct PairCache(int Hour, int Bucket); // Bucket: index + 1; 0 for none yet
}
