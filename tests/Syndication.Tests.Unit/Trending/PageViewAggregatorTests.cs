using System.Text;
using Syndication.Core.Trending;

namespace Syndication.Tests.Trending;

public sealed class PageViewAggregatorTests
{
    private const string Nine = "2026-11-25T09:03:12Z";
    private static readonly DateTimeOffset NineOClock = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_sample_log_is_counted_with_its_three_malformed_lines_named()
    {
        using var log = File.OpenRead(Repository.Sample("pageviews", "2026-11-25T09.jsonl"));
        var result = PageViewAggregator.Aggregate(log);

        Assert.Equal(400, result.TotalLines);
        Assert.Equal(3, result.MalformedLines);
        Assert.Equal([58L, 189L, 302L], result.FirstMalformedLines);
        Assert.Equal(24, result.BotViews);
        Assert.Equal(result.TotalLines, result.CountedViews + result.BotViews + result.DuplicateSessionViews + result.MalformedLines + result.BlankLines);
        Assert.Equal(result.CountedViews, result.Buckets.Sum(b => b.Views));
        Assert.All(result.Buckets, b => Assert.Equal(NineOClock, b.Hour));
        var dengueInIndia = Assert.Single(result.Buckets, b => b.Edition == "india" && b.Article.EndsWith(":dengue-vaccine-rollout", StringComparison.Ordinal));
        Assert.True(dengueInIndia.Views > 10);
    }

    [Fact]
    public void Repeated_views_of_a_session_count_once_per_article_edition_and_hour()
    {
        var log = new PageViewLog()
            .View("2026-11-25T09:00:01Z", "urn:a", "india", "00000000000000aa")
            .View("2026-11-25T09:10:00Z", "urn:a", "india", "00000000000000aa")
            .View("2026-11-25T09:59:59Z", "urn:a", "india", "00000000000000AA") // hex case does not make a new session
            .View("2026-11-25T10:00:00Z", "urn:a", "india", "00000000000000aa") // next hour: counted again
            .View("2026-11-25T09:20:00Z", "urn:a", "global", "00000000000000aa") // another edition: counted
            .View("2026-11-25T09:20:00Z", "urn:b", "india", "00000000000000aa") // another article: counted
            .View("2026-11-25T09:30:00Z", "urn:a", "india", "not-hex-session")
            .View("2026-11-25T09:31:00Z", "urn:a", "india", "not-hex-session");

        var result = PageViewAggregator.Aggregate(log.ToBytes());

        Assert.Equal(5, result.CountedViews);
        Assert.Equal(3, result.DuplicateSessionViews);
        Assert.Equal(
            [
                new HourlyViewCount("global", "urn:a", NineOClock, 1),
                new HourlyViewCount("india", "urn:a", NineOClock, 2),
                new HourlyViewCount("india", "urn:a", NineOClock.AddHours(1), 1),
                new HourlyViewCount("india", "urn:b", NineOClock, 1),
            ],
            result.Buckets);
    }

    [Theory]
    [InlineData("bot")]
    [InlineData("Bot")]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]
    [InlineData("crawler")]
    [InlineData("link-preview")]
    [InlineData("uptime-monitor")]
    [InlineData("HeadlessChrome")]
    [InlineData("prefetch")]
    public void Bot_views_are_not_counted(string agent)
    {
        var log = new PageViewLog().Readers(50, Nine, "urn:a", "india", agent: agent).Readers(2, Nine, "urn:a", "india", firstSession: 1000);

        var result = PageViewAggregator.Aggregate(log.ToBytes());

        Assert.Equal(50, result.BotViews);
        Assert.Equal(2, result.CountedViews);
        Assert.Equal(2, Assert.Single(result.Buckets).Views);
    }

    [Fact]
    public void Malformed_lines_are_counted_with_their_numbers_and_never_stop_the_count()
    {
        var good = PageViewLog.Line(Nine, "urn:a", "india", PageViewLog.Session(1));
        var log = new PageViewLog()
            .Raw(good)
            .Raw(good[..60]) // 2: truncated
            .Raw("GET /india/health/dengue HTTP/1.1 200") // 3: not JSON
            .Raw("") // blank: ignored, not malformed
            .Raw("""{"ts":"2026-11-25T09:00:00Z","edition":"india","session":"0000000000000001","agent":"browser"}""") // 5: no article
            .Raw("""{"ts":"2026-02-30T09:00:00Z","article":"urn:a","edition":"india","session":"0000000000000002","agent":"browser"}""") // 6: no such day
            .Raw("""{"ts":"2026-11-25T09:00:00","article":"urn:a","edition":"india","session":"0000000000000003","agent":"browser"}""") // 7: no offset
            .Raw("""{"ts":1764061200,"article":"urn:a","edition":"india","session":"0000000000000004","agent":"browser"}""") // 8: number
            .Raw("""{"ts":"2026-11-25T09:00:00Z","article":"urn:a","edition":"india","session":"0000000000000005","agent":"browser"} x""") // 9: trailing
            .Raw("""["ts","2026-11-25T09:00:00Z"]""") // 10: not an object
            .Raw("""{"ts":"2026-11-25T09:00:00Z","article":"","edition":"india","session":"0000000000000006","agent":"browser"}""") // 11: empty article
            .Raw("""{"ts":"2026-11-25T09:00:00Z","article":"urn:a","edition":"india","session":"0000000000000007","agent":"browser",}""") // 12: trailing comma
            .Raw(PageViewLog.Line(Nine, "urn:a", "india", PageViewLog.Session(2)));

        var result = PageViewAggregator.Aggregate(log.ToBytes());

        Assert.Equal(13, result.TotalLines);
        Assert.Equal(10, result.MalformedLines);
        Assert.Equal([2L, 3L, 5L, 6L, 7L], result.FirstMalformedLines);
        Assert.Equal(1, result.BlankLines);
        Assert.Equal(2, result.CountedViews);
    }

    [Fact]
    public void Any_valid_json_of_the_shape_counts_the_same_as_the_producers_compact_form()
    {
        var log = new PageViewLog()
            .View("2026-11-25T09:00:00Z", "urn:x/y", "india", "0000000000000001")
            .Raw("""  { "agent" : "browser", "session":"0000000000000002" , "edition":"India", "extra": {"n":[1, 2.5, null, true]}, "ts":"2026-11-25T09:01:00.125Z", "article":"urn:x\/y" }  """)
            .Raw("""{"ts":"2026-11-25T14:45:00+05:30","article":"urn:x\u002fy","edition":"india","session":"0000000000000003","agent":"browser","n":7}""")
            .Raw("{\"ts\":\"2026-11-25T09:02:00Z\",\"article\":\"urn:caf\u00e9\",\"edition\":\"india\",\"session\":\"0000000000000004\",\"agent\":\"browser\"}")
            .Raw("{\"ts\":\"2026-11-25T09:02:00Z\",\"article\":\"urn:caf\\u00e9\",\"edition\":\"india\",\"session\":\"0000000000000005\",\"agent\":\"browser\"}\r");

        var result = PageViewAggregator.Aggregate(log.ToBytes());

        Assert.Equal(0, result.MalformedLines);
        Assert.Equal(
            [
                new HourlyViewCount("india", "urn:café", NineOClock, 2),
                new HourlyViewCount("india", "urn:x/y", NineOClock, 3),
            ],
            result.Buckets);
    }

    [Fact]
    public void The_fast_scanner_and_the_json_reader_agree_on_every_damaged_line()
    {
        // A leading tab is JSON whitespace that the fast scanner leaves to Utf8JsonReader, so each
        // damaged line is judged once by each path; they must agree on what counts.
        var good = PageViewLog.Line(Nine, "urn:a", "india", PageViewLog.Session(1));
        var damaged = new List<string>();
        for (var i = 0; i <= good.Length; i++)
        {
            if (i > 0)
            {
                damaged.Add(good[..i]); // the empty line is not a line at all for the in-memory reader
            }

            if (i < good.Length)
            {
                damaged.Add(good.Remove(i, 1));
                damaged.AddRange("\"\\,:{}[] x1".Select(c => good.Remove(i, 1).Insert(i, c.ToString())));
            }
        }

        foreach (var line in damaged)
        {
            var fast = PageViewAggregator.Aggregate(Encoding.UTF8.GetBytes(line));
            var slow = PageViewAggregator.Aggregate(Encoding.UTF8.GetBytes("\t" + line));
            Assert.True(
                (fast.MalformedLines, fast.BlankLines, fast.CountedViews) == (slow.MalformedLines, slow.BlankLines, slow.CountedViews) && fast.Buckets.SequenceEqual(slow.Buckets),
                $"The two paths disagree on: {line}");
        }

        Assert.Contains(damaged, l => PageViewAggregator.Aggregate(Encoding.UTF8.GetBytes(l)).CountedViews == 1 && l != good);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(100)]
    public async Task Lines_split_across_reads_and_buffers_count_as_if_read_whole(int bufferSize)
    {
        var bytes = File.ReadAllBytes(Repository.Sample("pageviews", "2026-11-25T09.jsonl"));
        // CRLF endings and a last line without its newline, to cut inside those too.
        var crlf = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\n", "\r\n", StringComparison.Ordinal).TrimEnd());
        var options = new PageViewAggregatorOptions { BufferSize = bufferSize };
        var whole = PageViewAggregator.Aggregate(bytes);

        var split = PageViewAggregator.Aggregate(new TrickleStream(crlf, maxChunk: 5), options);
        var splitAsync = await PageViewAggregator.AggregateAsync(new TrickleStream(crlf, maxChunk: 3), options);
        var fromMemory = PageViewAggregator.Aggregate(new MemoryStream(crlf), options);

        foreach (var result in new[] { split, splitAsync, fromMemory })
        {
            Assert.Equal(whole.Buckets, result.Buckets);
            Assert.Equal(whole.FirstMalformedLines, result.FirstMalformedLines);
            Assert.Equal(
                (whole.TotalLines, whole.CountedViews, whole.BotViews, whole.DuplicateSessionViews, whole.MalformedLines),
                (result.TotalLines, result.CountedViews, result.BotViews, result.DuplicateSessionViews, result.MalformedLines));
        }
    }

    [Fact]
    public void A_line_past_the_limit_is_skipped_as_malformed_without_being_held()
    {
        var log = new PageViewLog()
            .Readers(1, Nine, "urn:a", "india")
            .View(Nine, "urn:" + new string('x', 5000), "india", PageViewLog.Session(9))
            .Readers(1, Nine, "urn:a", "india", firstSession: 1);

        var options = new PageViewAggregatorOptions { BufferSize = 64, MaxLineBytes = 512 };

        foreach (var result in new[] { PageViewAggregator.Aggregate(new MemoryStream(log.ToBytes()), options), PageViewAggregator.Aggregate(log.ToBytes(), options) })
        {
            Assert.Equal(3, result.TotalLines);
            Assert.Equal([2L], result.FirstMalformedLines);
            Assert.Equal(2, Assert.Single(result.Buckets).Views);
        }
    }

    [Fact]
    public void A_hot_bucket_switches_to_the_sketch_and_stays_close_to_the_true_count()
    {
        var log = new PageViewLog()
            .Readers(20_000, Nine, "urn:hot", "global")
            .Readers(20_000, Nine, "urn:hot", "global") // the same readers again: duplicates
            .Readers(30, Nine, "urn:quiet", "global");

        var result = PageViewAggregator.Aggregate(log.ToBytes(), new PageViewAggregatorOptions { ExactSessionsPerBucket = 256 });

        Assert.Equal(1, result.EstimatedBuckets);
        var hot = result.Buckets.Single(b => b.Article == "urn:hot").Views;
        Assert.InRange(hot, 19_200, 20_800); // 4,096 registers: about 1.6% standard error, this is 2.5 of them
        Assert.Equal(30, result.Buckets.Single(b => b.Article == "urn:quiet").Views);
        Assert.Equal(40_030, result.CountedViews + result.DuplicateSessionViews);
    }

    [Fact]
    public void The_same_sessions_in_many_buckets_of_one_hour_are_counted_in_each()
    {
        // Sessions of one hour share one table of (session, bucket) fingerprints; sessions with a
        // pattern (here multiples of one constant, as PageViewLog numbers them) must not line up
        // with the buckets so that one bucket's pair looks like another's.
        var log = new PageViewLog();
        for (var article = 0; article < 300; article++)
        {
            log.Readers(40, Nine, "urn:" + article, article % 2 == 0 ? "india" : "global", firstSession: article % 7);
        }

        var result = PageViewAggregator.Aggregate(log.ToBytes());

        Assert.Equal(300, result.Buckets.Count);
        Assert.All(result.Buckets, b => Assert.Equal(40, b.Views));
        Assert.Equal(0, result.DuplicateSessionViews);
    }

    [Fact]
    public void Many_editions_and_hours_out_of_order_land_in_their_own_buckets()
    {
        // Twelve editions (past the dense per-pair cache) and hours that jump back and forth.
        var log = new PageViewLog();
        for (var i = 0; i < 3_000; i++)
        {
            var edition = "ed" + (i % 12);
            var article = "urn:" + (i % 37);
            var hour = NineOClock.AddHours((i * 7) % 5 - 2);
            log.View(hour.AddMinutes(i % 60).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), article, edition, PageViewLog.Session(i % 400));
        }

        var result = PageViewAggregator.Aggregate(log.ToBytes());
        var exact = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .GroupBy(e => (e.GetProperty("edition").GetString()!, e.GetProperty("article").GetString()!, TruncateToHour(e.GetProperty("ts").GetDateTimeOffset())))
            .ToDictionary(g => g.Key, g => (long)g.Select(e => e.GetProperty("session").GetString()).Distinct().Count());

        Assert.Equal(exact.Count, result.Buckets.Count);
        Assert.All(result.Buckets, b => Assert.Equal(exact[(b.Edition, b.Article, b.Hour)], b.Views));
    }

    [Fact]
    public void A_shuffled_day_counts_as_the_same_day_in_order()
    {
        // Each pair's buckets are chained newest hour first; shuffled lines insert into the chain anywhere.
        var lines = new List<(DateTimeOffset Ts, string Article, string Edition, string Session)>();
        for (var i = 0; i < 4_000; i++)
        {
            lines.Add((NineOClock.AddHours(-(i % 24)).AddMinutes(i % 60), "urn:" + (i / 24 % 5), "ed" + (i / 120 % 3), PageViewLog.Session(i % 150)));
        }

        var random = new Random(7);
        var shuffled = lines.OrderBy(_ => random.Next()).ToList();
        var inOrder = lines.OrderBy(l => l.Ts).ToList();

        var results = new[] { shuffled, inOrder }.Select(order =>
        {
            var log = new PageViewLog();
            foreach (var (ts, article, edition, session) in order)
            {
                log.View(ts.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), article, edition, session);
            }

            return PageViewAggregator.Aggregate(log.ToBytes());
        }).ToList();

        Assert.Equal(5 * 3 * 24, results[0].Buckets.Count);
        Assert.Equal(results[1].Buckets, results[0].Buckets);
        Assert.Equal(results[1].CountedViews, results[0].CountedViews);
    }

    [Theory]
    [InlineData(12, 40, 3_000)] // many buckets per (edition, article) pair: each bucket placed by its pair, hours put in order within it
    [InlineData(400, 400, 1_500)] // far more pairs than buckets: the comparison sort
    public void Buckets_come_out_ordered_by_edition_article_and_hour_whatever_the_log_order(int editions, int articles, int views)
    {
        var random = new Random(11);
        var log = new PageViewLog();
        for (var i = 0; i < views; i++)
        {
            var hour = NineOClock.AddHours(-random.Next(30));
            log.View(
                hour.AddMinutes(random.Next(60)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                (random.Next(2) == 0 ? "urn:B" : "urn:a") + random.Next(articles), // mixed case: ordinal, not culture, order
                "Ed" + random.Next(editions),
                PageViewLog.Session(random.Next(50)));
        }

        var result = PageViewAggregator.Aggregate(log.ToBytes());

        var ordered = result.Buckets
            .OrderBy(b => b.Edition, StringComparer.Ordinal).ThenBy(b => b.Article, StringComparer.Ordinal).ThenBy(b => b.Hour)
            .ToList();
        Assert.Equal(ordered, result.Buckets);
        Assert.Equal(result.Buckets.Count, result.Buckets.Select(b => (b.Edition, b.Article, b.Hour)).Distinct().Count());
        Assert.Equal(result.CountedViews, result.Buckets.Sum(b => b.Views));
    }

    [Fact]
    public void An_hour_of_hundreds_of_thousands_of_sessions_counts_each_once()
    {
        // Enough pairs that the hour's table grows past 2 MiB: on Linux those tables are mapped
        // on their own (huge pages advised), smaller ones come from the native heap.
        var log = new PageViewLog()
            .Readers(150_000, Nine, "urn:a", "india")
            .Readers(150_000, Nine, "urn:b", "india")
            .Readers(150_000, Nine, "urn:a", "india") // the same readers of urn:a again
            .Readers(1, "2026-11-25T10:00:00Z", "urn:a", "india");

        var result = PageViewAggregator.Aggregate(new MemoryStream(log.ToBytes()), new PageViewAggregatorOptions { ExactSessionsPerBucket = int.MaxValue });

        Assert.Equal(300_001, result.CountedViews);
        Assert.Equal(150_000, result.DuplicateSessionViews);
        Assert.Equal([150_000L, 1L, 150_000L], result.Buckets.Select(b => b.Views));
    }

    [Fact]
    public void Hex_sessions_are_one_session_whatever_their_case_and_anything_else_is_its_own()
    {
        // Sixteen hex digits are read as the number they are (all sixteen at once where vectors
        // are hardware accelerated); a byte just outside 0-9, A-F or a-f makes it an opaque id.
        string[] sessions =
        [
            "0123456789abcdef", "0123456789ABCDEF", "0123456789AbCdEf", // one session
            "fedcba9876543210", "FEDCBA9876543210", // another
            "0000000000000000", "ffffffffffffffff", "f000000000000000", "000000000000000f", "0f0f0f0f0f0f0f0f",
            "0123456789abcde/", "0123456789abcde:", "0123456789abcde@", "0123456789abcdeG", "0123456789abcde`", "0123456789abcdeg",
            "/123456789abcdef", "G123456789abcdef", "0123456789abcdef0", "0123456789abcde",
        ];
        var log = new PageViewLog();
        foreach (var session in sessions)
        {
            log.View(Nine, "urn:a", "india", session);
        }

        var result = PageViewAggregator.Aggregate(log.ToBytes());

        Assert.Equal(sessions.Length - 3, result.CountedViews);
        Assert.Equal(3, result.DuplicateSessionViews);
    }

    private static DateTimeOffset TruncateToHour(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    [Fact]
    public void Hours_are_utc_whatever_the_offset_logged()
    {
        var log = new PageViewLog()
            .View("2026-11-25T14:59:59+05:30", "urn:a", "india", PageViewLog.Session(1)) // 09:29:59Z
            .View("2026-11-25T04:00:00-05:00", "urn:a", "us", PageViewLog.Session(2)) // 09:00Z
            .View("2026-11-25T08:59:59.9999Z", "urn:a", "uk", PageViewLog.Session(3)); // 08:00Z

        var result = PageViewAggregator.Aggregate(log.ToBytes());

        Assert.Equal([NineOClock, NineOClock.AddHours(-1), NineOClock], result.Buckets.Select(b => b.Hour));
        Assert.Equal(["india", "uk", "us"], result.Buckets.Select(b => b.Edition));
    }
}
