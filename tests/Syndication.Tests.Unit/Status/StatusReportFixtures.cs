using Syndication.Core.Articles;
using Syndication.Core.Newsletters;
using Syndication.Core.Status;
using Syndication.Core.Trending;

namespace Syndication.Tests.Unit.Status;

/// <summary>Status reports that reach every branch of the page: runs and none, rejections, holds, trending, newsletters.</summary>
internal static class StatusReportFixtures
{
    /// <summary>A trending document's row with what the page shows; the rest as the ranker would leave it.</summary>
    private static TrendingDocumentItem Item(int rank, string headline, string? url, double score) => new()
    {
        Rank = rank,
        ArticleId = "a" + rank.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Headline = headline,
        Url = url is null ? null : new Uri(url, UriKind.RelativeOrAbsolute),
        Section = SectionType.News,
        Published = Now.AddHours(-rank),
        Score = score,
        Views = 100,
        DecayedViews = 50,
        GlobalShare = 0.01,
        PriorViews = 1,
        Held = false,
    };

    public static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static StatusReport Empty(string siteName = "The Daily") => new(
        siteName,
        Now,
        TimeSpan.FromHours(48),
        [new StageStatus("ingest", "reads dropped files", null, null, null, null, 0, 0, new Dictionary<string, long>()),
         new StageStatus("newsletter", "sends the newsletters", null, null, null, null, 0, 0, new Dictionary<string, long>())],
        [.. Enumerable.Range(0, 48).Select(i => new HourlyCount(Now.AddHours(i - 47), 0))],
        [],
        0,
        [],
        []);

    public static StatusReport Full(string hostile = "Tom & Jerry's \"<b>bold</b>\" — déjà vu")
    {
        var stages = new List<StageStatus>
        {
            new("ingest", "reads dropped files " + hostile, Now.AddMinutes(-5), TimeSpan.FromMilliseconds(250), "Succeeded", null, 12, 0,
                new Dictionary<string, long> { ["ingested"] = 1234, ["rejected"] = 3, ["unchanged"] = 0, ["feedsWritten"] = 0 }),
            new("feeds", "builds the feeds", Now.AddMinutes(-3), TimeSpan.FromSeconds(2.5), "Warning", "slow: " + hostile, 30, 2,
                new Dictionary<string, long> { ["feedsWritten"] = 77 }),
            new("trending", "ranks trending", Now.AddMinutes(-1), TimeSpan.FromSeconds(125), "Failed", "it broke", 4, 4, new Dictionary<string, long>()),
            new("newsletter", "sends the newsletters", Now.AddHours(-2), null, null, null, 1, 0, new Dictionary<string, long> { ["emailsSent"] = 37 }),
            new("upstream", "polls agency feeds", null, null, null, null, 0, 0, new Dictionary<string, long>()),
        };
        var volume = Enumerable.Range(0, 48).Select(i => new HourlyCount(Now.AddHours(i - 47), i % 5 == 0 ? 0 : i * 3)).ToList();
        var rejected = new List<RejectedFile>
        {
            new("broken/" + hostile + ".json", "ingest", "Unexpected end: " + hostile, 3, 17, Now.AddHours(-1)),
            new("broken/no-column.md", "ingest", "front matter", 2, null, Now.AddHours(-2)),
            new("broken/nothing.json", "ingest", "no headline", null, null, Now.AddHours(-3)),
        };
        var trending = new List<TrendingList>
        {
            new("india", Now.AddMinutes(-5),
            [
                Item(2, "Second <script>alert(1)</script> " + hostile, "https://news.example/a?x=1&y=\"2\"", 12.345),
                Item(1, "First story " + new string('x', 120), "javascript:alert(1)", 87.5),
                Item(3, "Third", null, 0.004),
                Item(4, "Fourth", "ftp://news.example/x", 3),
            ]),
            new("empty " + hostile, null, []),
            new("world " + hostile, null, [.. Enumerable.Range(1, 12).Select(i => Item(i, "Story " + i, "http://news.example/" + i, 100.0 / i))]),
        };
        var scores = Enumerable.Range(0, 9).Select(i => new ScorePoint(Now.AddHours(-5 * i).AddMinutes(7), 10 + (i * 1.37))).ToList();
        var newsletters = Enumerable.Range(0, 8).Select(i =>
        {
            var counts = new DeliveryCounts
            {
                Processed = 1000 + i,
                Delivered = 990 - i,
                Deferred = i,
                Bounced = 2,
                Dropped = 1,
                SpamReports = i switch { 0 => 0, 1 => 2, _ => 4 },
                Unsubscribes = 3,
                HumanOpens = 400 + i,
                MachineOpens = 100,
                HumanClicks = 50,
                ScannerClicks = 7,
            };
            return new DeliveryReport
            {
                Kind = "issue",
                Key = $"india/2026-11-{25 - (i * 2):00}" + (i == 0 ? " " + hostile : ""),
                Edition = "india",
                Started = Now.AddDays(-2 * i).AddHours(-3),
                Finished = i == 1 ? null : Now.AddDays(-2 * i).AddHours(-2),
                Sent = 1000 + i,
                Failed = i == 2 ? 5 : 0,
                Counts = counts,
                Rates = DeliveryRates.Of(counts),
                ThrottledUntil = i == 3 ? Now.AddHours(4) : null,
                ThrottleReason = i == 3 ? "hourly cap " + hostile : null,
            };
        }).Append(new DeliveryReport
        {
            Kind = "issue",
            Key = "world/2026-11-25",
            Edition = "world",
            Started = Now.AddHours(-1),
            Finished = Now,
            Sent = 0,
            Failed = 0,
            Counts = DeliveryCounts.Zero,
            Rates = DeliveryRates.Of(DeliveryCounts.Zero),
        }).ToList();
        var held = new List<HeldStory>
        {
            new("a1b2", "Budget " + hostile, Now.AddHours(3), "2026-11-25 12:00 UTC (17:30 in Asia/Kolkata)", "agency " + hostile),
            new("c3d4", "Quiet one", Now.AddHours(5), "2026-11-25 14:00 UTC", null),
        };
        return new StatusReport("The Daily " + hostile, Now, TimeSpan.FromHours(48), stages, volume, rejected, 9, trending, scores)
        {
            Newsletters = newsletters,
            Held = held,
        };
    }

    /// <summary>Every shape: empty, full, one of each held and rejected (the singular wording).</summary>
    public static IEnumerable<(string Name, StatusReport Report)> All()
    {
        yield return ("empty", Empty());
        yield return ("full", Full());
        var full = Full("plain");
        yield return ("singular", full with
        {
            Rejected = full.Rejected.Take(1).ToList(),
            RejectedTotal = 1,
            Held = full.Held.Take(1).ToList(),
            TopScores = [full.TopScores[0]],
            Newsletters = full.Newsletters.Take(1).ToList(),
        });
    }
}
