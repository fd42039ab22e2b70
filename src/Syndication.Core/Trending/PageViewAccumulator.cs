using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Syndication.Core.Trending;

/// <summary>
/// The state of one aggregation: counters, interned editions and article keys, one bucket per
/// (edition, article, hour), and one table per hour of the (session, bucket) pairs counted. A line
/// costs a scan, an article lookup, a look in a small dense cache for its bucket, and one probe
/// into the hour's table; no allocation. Only a key seen for the first time allocates (the bucket
/// arrays and session tables in a native arena, freed by <see cref="Dispose"/>).
/// </summary>
internal sealed unsafe class PageViewAccumulator(PageViewAggregatorOptions options) : IDisposable
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private readonly List<byte[]> _editions = [];
    private readonly List<(uint Prefix, int Length)> _editionPrefixes = []; // each of _editions' first four bytes (zero-padded) and length
    private readonly Dictionary<string, int> _editionIndex = new(StringComparer.Ordinal); // case-folded name -> index, every edition
    private const int ScannedEditions = 8; // editions compared byte for byte before the dictionary is asked
    private readonly ArticleTable _articles = new();
    // Buckets are structs in one growing array. Logs are in time order, so each (article,
    // edition) pair remembers the bucket of the newest hour it has seen, and each bucket the
    // pair's bucket of the hour before it (_earlier): nearly every line then reaches its bucket
    // through one small dense array, and a new hour's bucket is added without a hash lookup in a
    // dictionary as large as the key space (fewer cache misses per line, and no dictionary to
    // grow). Only editions past the first few go through _bucketIndex.
    private const int DenseEditions = 8;
    private readonly Dictionary<BucketKey, int> _bucketIndex = [];
    // The buckets' arrays and the hours' session tables are native memory from one arena, in
    // huge pages where the system gives them (see NativeArena): fresh memory is most of a short
    // log's cost otherwise, a page fault per 4 KiB.
    private readonly NativeArena _arena = new();
    private BucketKey* _keys;
    private Bucket* _states;
    private int* _earlier; // the pair's bucket of an earlier hour, or -1
    private int _bucketCapacity;
    private readonly List<byte[]> _sketches = [];
    private int _bucketCount;
    private PairCache[] _pairs = new PairCache[1024 * DenseEditions];
    // The (session, bucket) pairs counted, one table per hour; the hour being read is kept at hand.
    private readonly Dictionary<int, SessionTable> _sessions = [];
    private SessionTable? _currentSessions;
    private int _currentSessionsHour;
    private readonly ParsedView[] _parsed = new ParsedView[16];
    private int _parsedCount;
    private byte[] _keyBytes = new byte[4096];
    private int _keyBytesUsed;
    // Views whose session probe has been prefetched, counted one batch later (_ready), so the
    // prefetches overlap a batch of parsing instead of the processor waiting for them.
    private PendingView[] _pending = new PendingView[16];
    private int _pendingCount;
    private PendingView[] _ready = new PendingView[16];
    private int _readyCount;
    private ulong _touched;
    private readonly List<long> _firstMalformed = [];
    private byte[] _scratch = [];
    private long _lines;
    private long _bots;
    private long _malformed;
    private long _blank;

    // Logs are written in time order, so consecutive lines nearly always share their hour:
    // remembering the last "yyyy-MM-ddTHH" saves the calendar arithmetic.
    private readonly byte[] _lastHourPrefix = new byte[13];
    private int _lastHour = int.MinValue;

    public void Line(ReadOnlySpan<byte> line)
    {
        _lines++;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1]; // CRLF logs: keep them on the fast path
        }

        if (line.IsEmpty || (line[0] != (byte)'{' && line.IndexOfAnyExcept(" \t\r"u8) < 0))
        {
            _blank++;
            return;
        }

        var fields = default(PageViewFields);
        if (PageViewLineParser.Parse(line, ref fields, ref _scratch) != ScanOutcome.Parsed
            || !fields.IsComplete
            || fields.Article.IsEmpty
            || fields.Session.IsEmpty
            || fields.Edition.IsEmpty
            || fields.Edition.Length > 64
            || !System.Text.Ascii.IsValid(fields.Edition)
            || !TryParseHour(fields.Timestamp, out var hour))
        {
            Malformed();
            return;
        }

        if (IsBot(fields.Agent))
        {
            _bots++;
            return;
        }

        var edition = InternEdition(fields.Edition);
        if (edition < 0)
        {
            Malformed(); // one edition too many
            return;
        }

        // The article's key waits with the view (copied: the line's bytes may be gone by then), so
        // its lookup is batched like the session probes below.
        var article = fields.Article;
        if (_keyBytes.Length - _keyBytesUsed < article.Length)
        {
            Array.Resize(ref _keyBytes, Math.Max(_keyBytes.Length * 2, _keyBytesUsed + article.Length));
        }

        article.CopyTo(_keyBytes.AsSpan(_keyBytesUsed));
        var articleHash = ArticleTable.Hash(article);
        _articles.Prefetch(articleHash); // looked up when the batch is full: in cache by then
        _parsed[_parsedCount++] = new ParsedView(articleHash, _keyBytesUsed, article.Length, edition, hour, SessionHash(fields.Session));
        _keyBytesUsed += article.Length;
        if (_parsedCount == _parsed.Length)
        {
            CountParsed();
        }
    }

    /// <summary>
    /// Finds the article and bucket of each view put aside, in their order, then counts the batch
    /// before. The article table (hundreds of kilobytes at 10,000 articles) and the pair cache miss
    /// the cache often, one after the other for each view; so each article's first slot is
    /// prefetched as its line is read (where there is no prefetch instruction, a first loop reads
    /// them all), a loop interns the articles and reads their pair cache entries, and the next
    /// finds the buckets in cache, prefetching the slot each session probe will start at.
    /// </summary>
    private void CountParsed()
    {
        var parsed = _parsed.AsSpan(0, _parsedCount);
        var touched = _touched;
        if (!Sse.IsSupported)
        {
            // No prefetch instruction: read each lookup's first slot first, so the misses are in flight together.
            foreach (ref readonly var view in parsed)
            {
                touched ^= _articles.SlotHash(view.ArticleHash);
            }
        }

        var keys = _keyBytes;
        var pairs = _pairs;
        foreach (ref var view in parsed)
        {
            view.Article = _articles.Intern(keys.AsSpan(view.KeyOffset, view.KeyLength), view.ArticleHash);
            var pair = ((long)view.Article * DenseEditions) + view.Edition;
            touched ^= (ulong)(pair < pairs.Length ? pairs[pair].Bucket : 0);
        }

        _touched = touched;
        foreach (ref readonly var view in parsed)
        {
            var index = FindBucket(view.Edition, view.Article, view.Hour);
            var sessions = SessionsOf(view.Hour);
            var fingerprint = SessionTable.Fingerprint(view.Session, index);
            if (Sse.IsSupported)
            {
                sessions.Prefetch(fingerprint);
                Sse.Prefetch0(_states + index);
            }

            _pending[_pendingCount++] = new PendingView(sessions, index, fingerprint, view.Session);
        }

        _parsedCount = 0;
        _keyBytesUsed = 0;

        // Count the batch prefetched last time; this one waits for the next.
        CountPending();
        (_ready, _pending) = (_pending, _ready);
        (_readyCount, _pendingCount) = (_pendingCount, 0);
    }

    /// <summary>
    /// Counts the views put aside a batch ago, in their order. Looking a view's pair up in its
    /// hour's table is a cache miss nearly every time (the table is megabytes, the fingerprints
    /// random); one miss after another, each line would wait for memory alone. So each probe's
    /// slot and bucket were prefetched when the view's bucket was found, and the view is counted
    /// after the next sixteen lines are parsed, by when they are in cache. Without a prefetch
    /// instruction a first loop reads them all, so at least the misses are in flight together.
    /// </summary>
    private void CountPending()
    {
        var pending = _ready.AsSpan(0, _readyCount);
        if (!Sse.IsSupported)
        {
            // No prefetch instruction: read each slot first, so the misses are at least in flight together.
            ulong touched = 0;
            foreach (ref readonly var view in pending)
            {
                touched ^= view.Sessions.SlotOf(view.Fingerprint) ^ (ulong)_states[view.Bucket].Views;
            }

            _touched ^= touched; // kept, so the reads are not optimized away
        }

        var exactLimit = options.ExactSessionsPerBucket;
        foreach (ref readonly var view in pending)
        {
            var sessions = view.Sessions;
            var fingerprint = view.Fingerprint;
            ref var bucket = ref _states[view.Bucket];
            bucket.Views++;
            if (bucket.Sketch == 0)
            {
                if (bucket.Exact < exactLimit)
                {
                    bucket.Exact += sessions.Add(fingerprint) ? 1 : 0;
                }
                else if (!sessions.Contains(fingerprint))
                {
                    // Past the exact limit: the sessions already counted stay in the table; the rest go to the sketch.
                    _sketches.Add(new byte[SessionSketch.Registers]);
                    bucket.Sketch = _sketches.Count;
                    SessionSketch.Add(_sketches[^1], view.Session);
                }
            }
            else if (!sessions.Contains(fingerprint))
            {
                // The session itself, not its seeded fingerprint: the same log gives the same estimate in every process.
                SessionSketch.Add(_sketches[bucket.Sketch - 1], view.Session);
            }
        }

        _readyCount = 0;
    }

    private SessionTable SessionsOf(int hour)
    {
        if (_currentSessions is not null && _currentSessionsHour == hour)
        {
            return _currentSessions;
        }

        if (!_sessions.TryGetValue(hour, out var table))
        {
            // Sized for as many pairs as the hour before had: a table that grows by doubling from
            // small would rehash every pair several times. The hint comes from the previous hour
            // only, so whatever the order of lines, all tables together hold at most about twice
            // the pairs there are.
            table = new SessionTable(_arena, _sessions.TryGetValue(hour - 1, out var before) ? before.Count : 0);
            _sessions.Add(hour, table);
        }

        _currentSessions = table;
        _currentSessionsHour = hour;
        return table;
    }

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

    /// <summary>A copy of the first <see cref="_bucketCount"/> items in a larger array from the arena, the old one given back.</summary>
    private T* Grown<T>(T* items, int capacity)
        where T : unmanaged
    {
        var larger = (T*)_arena.Allocate((nuint)capacity * (nuint)sizeof(T));
        if (items != null)
        {
            Buffer.MemoryCopy(items, larger, (long)capacity * sizeof(T), (long)_bucketCount * sizeof(T));
            _arena.Release(items);
        }

        return larger;
    }

    public void OverlongLine()
    {
        _lines++;
        Malformed();
    }

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

        var editionNames = _editions.Select(e => Encoding.ASCII.GetString(e)).ToArray();

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

    /// <summary>Frees the native memory (buckets, session tables) at once rather than at the arena's finalizer.</summary>
    public void Dispose()
    {
        _sessions.Clear();
        _keys = null;
        _states = null;
        _earlier = null;
        _bucketCapacity = _bucketCount = 0;
        _arena.Dispose();
        _currentSessions = null;
        _pendingCount = _readyCount = 0;
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

    private void Malformed()
    {
        _malformed++;
        if (_firstMalformed.Count < options.MalformedLineSamples)
        {
            _firstMalformed.Add(_lines);
        }
    }

    private int InternEdition(ReadOnlySpan<byte> edition)
    {
        // An edition as the producer writes it (lower case) is one of the first few seen, byte for
        // byte: its length and first four bytes pick it out before the bytes are compared.
        var prefix = Prefix(edition);
        var prefixes = _editionPrefixes;
        var scanned = Math.Min(prefixes.Count, ScannedEditions);
        for (var i = 0; i < scanned; i++)
        {
            if (prefixes[i] == (prefix, edition.Length) && _editions[i].AsSpan().SequenceEqual(edition))
            {
                return i;
            }
        }

        // Otherwise (another case, or a log naming many editions: a linear scan of them all would
        // cost lines x editions) the case-folded name is looked up by hash. Editions are ASCII and
        // at most 64 bytes (checked before).
        Span<char> folded = stackalloc char[edition.Length];
        System.Text.Ascii.ToLower(edition, folded, out _);
        var lookup = _editionIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(folded, out var known))
        {
            return known;
        }

        if (_editions.Count >= options.MaxEditions)
        {
            return -1;
        }

        var lower = new byte[edition.Length];
        System.Text.Ascii.ToLower(edition, lower, out _);
        _editions.Add(lower);
        _editionPrefixes.Add((Prefix(lower), lower.Length));
        _editionIndex.Add(new string(folded), _editions.Count - 1);
        return _editions.Count - 1;

        static uint Prefix(ReadOnlySpan<byte> name) => name.Length >= 4
            ? MemoryMarshal.Read<uint>(name)
            : name.Length switch
            {
                3 => name[0] | ((uint)name[1] << 8) | ((uint)name[2] << 16),
                2 => name[0] | ((uint)name[1] << 8),
                1 => name[0],
                _ => 0,
            };
    }

    /// <summary>
    /// Bots by the producer's class (<c>bot</c>) or anything that names itself like one: crawlers,
    /// spiders, link previews, monitors, headless browsers and prefetchers are not readers.
    /// </summary>
    internal static bool IsBot(ReadOnlySpan<byte> agent)
    {
        if (agent.SequenceEqual("browser"u8))
        {
            return false;
        }

        if (agent.SequenceEqual("bot"u8))
        {
            return true;
        }

        Span<byte> lower = stackalloc byte[Math.Min(agent.Length, 256)];
        for (var i = 0; i < lower.Length; i++)
        {
            var b = agent[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }

        return lower.IndexOf("bot"u8) >= 0
            || lower.IndexOf("crawl"u8) >= 0
            || lower.IndexOf("spider"u8) >= 0
            || lower.IndexOf("scrap"u8) >= 0
            || lower.IndexOf("preview"u8) >= 0
            || lower.IndexOf("monitor"u8) >= 0
            || lower.IndexOf("headless"u8) >= 0
            || lower.IndexOf("prefetch"u8) >= 0;
    }

    /// <summary>Our sessions are 16 hex digits: read as the 64-bit number they are; anything else is hashed (FNV-1a).</summary>
    internal static ulong SessionHash(ReadOnlySpan<byte> session)
    {
        if (session.Length == 16 && Vector128.IsHardwareAccelerated)
        {
            // All 16 digits at once: the same value as the loop below, or the same fall-through.
            var text = Vector128.Create(session);
            var digit = text - Vector128.Create((byte)'0');
            var isDigit = Vector128.LessThan(digit, Vector128.Create((byte)10));
            var letter = (text | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'); // A-F folded to a-f
            var isLetter = Vector128.LessThan(letter, Vector128.Create((byte)6));
            if ((isDigit | isLetter) == Vector128<byte>.AllBitsSet)
            {
                // Two digits to a byte: in each 16-bit lane the first digit is the low byte.
                var pairs = Vector128.ConditionalSelect(isDigit, digit, letter + Vector128.Create((byte)10)).AsUInt16();
                var bytes = ((pairs << 4) | (pairs >> 8)) & Vector128.Create((ushort)0xFF);
                return BinaryPrimitives.ReverseEndianness(Vector128.Narrow(bytes, bytes).AsUInt64().ToScalar());
            }
        }
        else if (session.Length == 16)
        {
            // Branch-free: a non-hex byte maps to 0xFF and leaves a high bit in 'invalid'.
            ulong value = 0;
            var invalid = 0;
            var digits = HexDigits;
            foreach (var b in session)
            {
                var digit = digits[b];
                invalid |= digit;
                value = (value << 4) | (uint)(digit & 0xF);
            }

            if (invalid < 0x10)
            {
                return value;
            }
        }

        var hash = 14695981039346656037UL;
        foreach (var b in session)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return SessionSketch.Mix(hash);
    }

    private static ReadOnlySpan<byte> HexDigits =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 10, 11, 12, 13, 14, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 10, 11, 12, 13, 14, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    /// <summary>
    /// The UTC hour (hours since 1970) of an RFC 3339 instant: <c>yyyy-MM-ddTHH:mm:ss</c>, optional
    /// fraction, then <c>Z</c> or <c>±hh:mm</c>. A time without an offset is ambiguous and refused.
    /// </summary>
    internal bool TryParseHour(ReadOnlySpan<byte> ts, out int hour)
    {
        hour = 0;
        if (ts.Length < 20
            || ts[4] != (byte)'-' || ts[7] != (byte)'-' || (ts[10] | 0x20) != (byte)'t'
            || ts[13] != (byte)':' || ts[16] != (byte)':'
            || !TwoDigits(ts, 14, out var minute) || minute > 59
            || !TwoDigits(ts, 17, out var second) || second > 60)
        {
            return false;
        }

        var rest = ts[19..];
        if (rest[0] == (byte)'.')
        {
            var digits = rest[1..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
            if (digits <= 0)
            {
                return false;
            }

            rest = rest[(1 + digits)..];
        }

        int offsetMinutes;
        if (rest.Length == 1 && (rest[0] | 0x20) == (byte)'z')
        {
            offsetMinutes = 0;
            if (_lastHour != int.MinValue && ts[..13].SequenceEqual(_lastHourPrefix))
            {
                hour = _lastHour;
                return true;
            }
        }
        else if (rest.Length == 6 && rest[0] is (byte)'+' or (byte)'-' && rest[3] == (byte)':'
            && TwoDigits(rest, 1, out var offsetHours) && offsetHours <= 23
            && TwoDigits(rest, 4, out var offsetMinute) && offsetMinute <= 59)
        {
            offsetMinutes = (rest[0] == (byte)'-' ? -1 : 1) * ((offsetHours * 60) + offsetMinute);
        }
        else
        {
            return false;
        }

        if (!TwoDigits(ts, 0, out var century) || !TwoDigits(ts, 2, out var yearOfCentury)
            || !TwoDigits(ts, 5, out var month) || !TwoDigits(ts, 8, out var day)
            || !TwoDigits(ts, 11, out var hourOfDay) || hourOfDay > 23)
        {
            return false;
        }

        var year = (century * 100) + yearOfCentury;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var days = new DateOnly(year, month, day).DayNumber - EpochDayNumber;
        var utcMinutes = ((long)days * 1440) + (hourOfDay * 60) + minute - offsetMinutes;
        hour = (int)((utcMinutes >= 0 ? utcMinutes : utcMinutes - 59) / 60); // floor, also before 1970
        if (offsetMinutes == 0)
        {
            ts[..13].CopyTo(_lastHourPrefix);
            _lastHour = hour;
        }

        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        var tens = s[at] - '0';
        var units = s[at + 1] - '0';
        value = (tens * 10) + units;
        return (uint)tens <= 9 && (uint)units <= 9;
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

    /// <summary>A bucket's place in the result: edition and article ranks in one number, then the hour.</summary>
    private readonly record struct BucketOrder(long Names, int Hour, int Bucket) : IComparable<BucketOrder>
    {
        public int CompareTo(BucketOrder other) => Names != other.Names ? Names.CompareTo(other.Names) : Hour.CompareTo(other.Hour);
    }

    /// <summary>A human view whose article is yet to be looked up (its key's bytes are in <c>_keyBytes</c>).</summary>
    private struct ParsedView(ulong articleHash, int keyOffset, int keyLength, int edition, int hour, ulong session)
    {
        public readonly ulong ArticleHash = articleHash;
        public readonly int KeyOffset = keyOffset;
        public readonly int KeyLength = keyLength;
        public readonly int Edition = edition;
        public readonly int Hour = hour;
        public readonly ulong Session = session;
        public int Article;
    }

    /// <summary>A human view whose session is yet to be looked up in its hour's table.</summary>
    private readonly record struct PendingView(SessionTable Sessions, int Bucket, ulong Fingerprint, ulong Session);

    /// <summary>
    /// Article keys interned as UTF-8 bytes, so a line's slice finds its index without becoming a
    /// string: open addressing over slots that hold the hash and where the key's bytes are in one
    /// shared array, so a lookup reads the slot and the bytes, with no object between them.
    /// </summary>
    private sealed unsafe class ArticleTable
    {
        // Seeded per process so crafted article keys cannot be lined up into one probe chain.
        private static readonly long Seed = Random.Shared.NextInt64();

        private readonly List<(int Offset, int Length)> _keys = [];
        private byte[] _bytes = new byte[64 * 1024];
        private int _used;
        private Slot[] _slots = new Slot[1024];

        public int Count => _keys.Count;

        public ReadOnlySpan<byte> this[int index] => _bytes.AsSpan(_keys[index].Offset, _keys[index].Length);

        public static ulong Hash(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key, Seed);

        /// <summary>What is in the slot a lookup of <paramref name="hash"/> starts at: reading it early brings it into cache.</summary>
        public ulong SlotHash(ulong hash) => _slots[(int)(hash & (ulong)(_slots.Length - 1))].Hash;

        /// <summary>Asks the processor to bring the slot a lookup of <paramref name="hash"/> starts at into cache (a hint: harmless if the array moves).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(ulong hash)
        {
            if (Sse.IsSupported)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref _slots[(int)(hash & (ulong)(_slots.Length - 1))]));
            }
        }

        /// <param name="hash">The key's <see cref="Hash"/>.</param>
        public int Intern(ReadOnlySpan<byte> key, ulong hash)
        {
            var mask = _slots.Length - 1;
            var i = (int)(hash & (ulong)mask);
            while (true)
            {
                ref var slot = ref _slots[i];
                if (slot.Index == 0)
                {
                    break;
                }

                if (slot.Hash == hash && key.SequenceEqual(_bytes.AsSpan(slot.Offset, slot.Length)))
                {
                    return slot.Index - 1;
                }

                i = (i + 1) & mask;
            }

            if (_bytes.Length - _used < key.Length)
            {
                Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(_bytes.Length * 2L, _used + (long)key.Length)));
            }

            key.CopyTo(_bytes.AsSpan(_used));
            _keys.Add((_used, key.Length));
            _slots[i] = new Slot(hash, _keys.Count, _used, key.Length);
            _used += key.Length;
            if (_keys.Count * 4L > _slots.Length * 3L) // up to 3/4 full: half the slots, more of them in cache
            {
                Grow();
            }

            return _keys.Count - 1;
        }

        private void Grow()
        {
            var larger = new Slot[_slots.Length * 2];
            var mask = larger.Length - 1;
            foreach (var slot in _slots)
            {
                if (slot.Index != 0)
                {
                    var i = (int)(slot.Hash & (ulong)mask);
                    while (larger[i].Index != 0)
                    {
                        i = (i + 1) & mask;
                    }

                    larger[i] = slot;
                }
            }

            _slots = larger;
        }

        private readonly record struct Slot(ulong Hash, int Index, int Offset, int Length); // Index: key index + 1; 0 for empty
    }
}
