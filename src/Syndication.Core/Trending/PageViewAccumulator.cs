using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Syndication.Core.Trending;

/// <summary>
/// The state of one aggregation: counters, interned editions and article keys, and one bucket per
/// (edition, article, hour). A line costs two hash lookups and no allocation; only a key seen for
/// the first time allocates (its bytes once, its bucket once).
/// </summary>
internal sealed class PageViewAccumulator(PageViewAggregatorOptions options)
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private readonly List<byte[]> _editions = [];
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _articles =
        new Dictionary<byte[], int>(Utf8KeyComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();
    private readonly List<byte[]> _articleKeys = [];
    // Buckets are structs in one growing array, found by key through _bucketIndex. Logs are in
    // time order, so each (article, edition) pair also remembers the bucket of the hour it last
    // saw: nearly every line then reaches its bucket through two small dense arrays instead of a
    // hash lookup in a dictionary as large as the key space (fewer cache misses per line).
    private const int DenseEditions = 8;
    private readonly Dictionary<BucketKey, int> _bucketIndex = [];
    private BucketKey[] _keys = new BucketKey[1024];
    private Bucket[] _states = new Bucket[1024];
    private int _bucketCount;
    private int[] _pairHour = new int[1024 * DenseEditions];
    private int[] _pairBucket = new int[1024 * DenseEditions]; // bucket index + 1; 0 for none yet
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

        if (line.IsEmpty || line.IndexOfAnyExcept(" \t\r"u8) < 0)
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

        var index = FindBucket(InternEdition(fields.Edition), InternArticle(fields.Article), hour); // may grow _states: before taking the ref
        ref var bucket = ref _states[index];
        bucket.Views++;
        bucket.Sessions.Add(SessionHash(fields.Session), options.ExactSessionsPerBucket);
    }

    private int FindBucket(int edition, int article, int hour)
    {
        var pair = (article * DenseEditions) + edition;
        var dense = edition < DenseEditions;
        if (dense && pair < _pairBucket.Length && _pairBucket[pair] != 0 && _pairHour[pair] == hour)
        {
            return _pairBucket[pair] - 1;
        }

        var key = new BucketKey(edition, article, hour);
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_bucketIndex, key, out var exists);
        if (!exists)
        {
            if (_bucketCount == _states.Length)
            {
                Array.Resize(ref _states, _states.Length * 2);
                Array.Resize(ref _keys, _keys.Length * 2);
            }

            index = _bucketCount++;
            _keys[index] = key;
        }

        if (dense)
        {
            if (pair >= _pairBucket.Length)
            {
                var length = Math.Max(_pairBucket.Length * 2, (pair / DenseEditions * DenseEditions) + DenseEditions);
                Array.Resize(ref _pairBucket, length);
                Array.Resize(ref _pairHour, length);
            }

            _pairBucket[pair] = index + 1;
            _pairHour[pair] = hour;
        }

        return index;
    }

    public void OverlongLine()
    {
        _lines++;
        Malformed();
    }

    public PageViewAggregation Finish()
    {
        var articleNames = new string[_articleKeys.Count];
        for (var i = 0; i < articleNames.Length; i++)
        {
            articleNames[i] = Encoding.UTF8.GetString(_articleKeys[i]);
        }

        var editionNames = _editions.Select(e => Encoding.ASCII.GetString(e)).ToArray();
        var buckets = new List<HourlyViewCount>(_bucketCount);
        long counted = 0, views = 0;
        var estimated = 0;
        for (var i = 0; i < _bucketCount; i++)
        {
            var key = _keys[i];
            ref var bucket = ref _states[i];
            // A sketch can overshoot the views it saw, or undershoot the exact limit it passed.
            var unique = bucket.Sessions.IsEstimated
                ? Math.Clamp(bucket.Sessions.Count, Math.Min(options.ExactSessionsPerBucket, bucket.Views), bucket.Views)
                : bucket.Sessions.Count;
            estimated += bucket.Sessions.IsEstimated ? 1 : 0;
            counted += unique;
            views += bucket.Views;
            buckets.Add(new HourlyViewCount(editionNames[key.Edition], articleNames[key.Article], Epoch.AddHours(key.Hour), unique));
        }

        buckets.Sort(static (a, b) =>
        {
            var byEdition = string.CompareOrdinal(a.Edition, b.Edition);
            if (byEdition != 0)
            {
                return byEdition;
            }

            var byArticle = string.CompareOrdinal(a.Article, b.Article);
            return byArticle != 0 ? byArticle : a.Hour.CompareTo(b.Hour);
        });

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
        // A handful of editions: a linear scan beats hashing, and case is folded (ids are lower-case).
        for (var i = 0; i < _editions.Count; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(_editions[i], edition))
            {
                return i;
            }
        }

        var lower = new byte[edition.Length];
        System.Text.Ascii.ToLower(edition, lower, out _);
        _editions.Add(lower);
        return _editions.Count - 1;
    }

    private int InternArticle(ReadOnlySpan<byte> article)
    {
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_articles, article, out var exists);
        if (!exists)
        {
            index = _articleKeys.Count;
            _articleKeys.Add(article.ToArray());
        }

        return index;
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
        if (session.Length == 16)
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

        return SessionSet.Mix(hash);
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

    private struct Bucket
    {
        public long Views;
        public SessionSet Sessions;
    }

    /// <summary>Article keys compared as UTF-8 bytes, so a line's slice finds its key without becoming a string.</summary>
    private sealed class Utf8KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static Utf8KeyComparer Instance { get; } = new();

        // Seeded per process so crafted article keys cannot be lined up into one hash chain.
        private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> key)
        {
            var hash = Seed ^ (ulong)key.Length;
            while (key.Length >= 8)
            {
                hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(key)) * 0x9E3779B97F4A7C15UL;
                hash ^= hash >> 29;
                key = key[8..];
            }

            ulong tail = 0;
            for (var i = 0; i < key.Length; i++)
            {
                tail |= (ulong)key[i] << (8 * i);
            }

            return (int)SessionSet.Mix(hash ^ tail);
        }
    }
}
