using System.Runtime.Intrinsics.X86;

namespace Syndication.Core.Trending;

/// <summary>
/// Looking views up in batches. A view's article lookup, bucket and session probe each miss the
/// cache more often than not; one after another, each line would wait for memory alone. So views
/// wait in batches of sixteen: their first slots are prefetched as they arrive and looked up when
/// the batch is full, and their session probes are prefetched then and counted a batch later.
/// Without a prefetch instruction (<see cref="Sse.IsSupported"/> false: ARM, or hardware
/// intrinsics turned off) a first loop reads each slot instead, so the misses are at least in
/// flight together; CI runs the trending tests that way too.
/// </summary>
internal sealed unsafe partial class PageViewAccumulator
{
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
    // The (session, bucket) pairs counted, one table per hour; the hour being read is kept at hand.
    private readonly Dictionary<int, SessionTable> _sessions = [];
    private SessionTable? _currentSessions;
    private int _currentSessionsHour;
    private readonly List<byte[]> _sketches = [];

    /// <summary>Puts a human view aside until its batch is full.</summary>
    private void Add(ReadOnlySpan<byte> article, int edition, int hour, ulong session)
    {
        // The article's key waits with the view (copied: the line's bytes may be gone by then), so
        // its lookup is batched like the session probes below.
        if (_keyBytes.Length - _keyBytesUsed < article.Length)
        {
            Array.Resize(ref _keyBytes, Math.Max(_keyBytes.Length * 2, _keyBytesUsed + article.Length));
        }

        article.CopyTo(_keyBytes.AsSpan(_keyBytesUsed));
        var articleHash = ArticleTable.Hash(article);
        _articles.Prefetch(articleHash); // looked up when the batch is full: in cache by then
        _parsed[_parsedCount++] = new ParsedView(articleHash, _keyBytesUsed, article.Length, edition, hour, session);
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
            table = new SessionTable(_tableMemory, _sessions.TryGetValue(hour - 1, out var before) ? before.Count : 0);
            _sessions.Add(hour, table);
        }

        _currentSessions = table;
        _currentSessionsHour = hour;
        return table;
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
}
