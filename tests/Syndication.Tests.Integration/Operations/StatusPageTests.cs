using System.Text;
using System.Text.RegularExpressions;
using Syndication.Adapters.Storage;
using Syndication.Core.Articles;
using Syndication.Core.Trending;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Operations;

public sealed class StatusPageTests
{
    /// <summary>India's box as the trending stage publishes it.</summary>
    private static readonly TrendingDocument TrendingIndia = new()
    {
        Edition = "india",
        ComputedAt = new DateTimeOffset(2026, 11, 25, 8, 55, 0, TimeSpan.Zero),
        Formula = new TrendingFormula(4, 48, 100, 0.1),
        DecayedTotal = 1500,
        Items =
        [
            Item(1, "a1", "Delhi begins dengue vaccination for children", "dengue", 87.5, 1200),
            Item(2, "a2", "Millet returns to school meals", "millet", 41.25, 300),
        ],
    };

    private static TrendingDocumentItem Item(int rank, string id, string headline, string slug, double score, long views) => new()
    {
        Rank = rank,
        ArticleId = id,
        Headline = headline,
        Url = new Uri($"https://news.example.com/news/{slug}"),
        Section = SectionType.News,
        Published = new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero),
        Score = score,
        Views = views,
        DecayedViews = views,
        GlobalShare = 0.1,
        PriorViews = 10,
        Held = false,
    };

    /// <summary>The samples through a sweep and a feed build, a newsletter and a trending run, as the functions record them.</summary>
    private static async Task RunPipelineAsync(TestPipeline pipeline, bool withTrending)
    {
        var runs = pipeline.Get<StageRunRecorder>();
        foreach (var folder in new[] { "articles", "broken" })
        {
            foreach (var file in Directory.GetFiles(Repository.Sample(folder)))
            {
                await pipeline.DropZone.DropAsync($"{folder}/{Path.GetFileName(file)}", BinaryData.FromBytes(File.ReadAllBytes(file)), CancellationToken.None);
            }
        }

        await runs.RunAsync(StageNames.Ingest, "sweep", () => pipeline.Ingest.SweepAsync(null, CancellationToken.None), CancellationToken.None);
        await runs.RunAsync(StageNames.Feeds, null, () => pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None), CancellationToken.None);
        if (!withTrending)
        {
            return;
        }

        // What the newsletter and trending stages will record through the same recorder.
        await runs.RunAsync(StageNames.Newsletter, "2026-11-25-india", () =>
        {
            runs.Add(StageCounts.EmailsSent, 37);
            return Task.CompletedTask;
        }, CancellationToken.None);
        await pipeline.Get<TrendingDocumentStore>().PublishAsync(TrendingIndia, "no-cache", CancellationToken.None);
        await runs.RunAsync(StageNames.Trending, "india", () =>
        {
            runs.Set(StageValues.TopTrendingScore, 87.5);
            return Task.CompletedTask;
        }, CancellationToken.None);
    }

    [ChromiumFact]
    public async Task Headless_chromium_shows_stages_counts_the_rejected_files_with_their_reasons_and_charts()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await RunPipelineAsync(pipeline, withTrending: true);
        var status = pipeline.Get<StatusStage>();
        await pipeline.Get<StageRunRecorder>().RunAsync(StageNames.Status, null, () => status.WriteAsync(CancellationToken.None), CancellationToken.None);
        var link = await status.ReadLinkAsync(TimeSpan.FromMinutes(10), CancellationToken.None);

        var dom = await HeadlessChromium.DumpDomAsync(link);
        var text = HeadlessChromium.VisibleText(dom);

        var rejection = Encoding.UTF8.GetString((await pipeline.Storage.Container(StorageNames.RejectedContainer)
            .GetBlobClient("broken/truncated.ninjs.json.error.json").DownloadContentAsync()).Value.Content.ToArray());
        var reason = System.Text.Json.JsonDocument.Parse(rejection).RootElement.GetProperty("reason").GetString()!;
        Assert.Contains("Pipeline status", text, StringComparison.Ordinal);
        Assert.Contains("Articles ingested 14", text, StringComparison.Ordinal);
        Assert.Contains("Files rejected 3", text, StringComparison.Ordinal);
        Assert.Contains("Emails sent 37", text, StringComparison.Ordinal);
        Assert.Matches(@"Feeds written [1-9]\d*", text);
        foreach (var stage in new[] { "ingest", "feeds", "newsletter", "trending" })
        {
            Assert.True(Regex.IsMatch(text, $@"{stage} [^0-9]+ 2026-11-25 09:00 UTC took [\d.]+ (ms|s) Succeeded"), $"{stage} should show its last run in: {text}");
        }

        Assert.Matches(@"upstream polls agency feeds no run recorded yet", text);
        Assert.Contains("3 files are kept in rejected/", text, StringComparison.Ordinal);
        Assert.Contains($"broken/truncated.ninjs.json {reason}", text, StringComparison.Ordinal);
        Assert.Contains("broken/no-headline.ninjs.json", text, StringComparison.Ordinal);
        Assert.Contains("broken/bad-front-matter.md", text, StringComparison.Ordinal);
        Assert.Contains("India Bar chart: the top 2 trending stories of India", text, StringComparison.Ordinal);
        Assert.Contains("1. Delhi begins dengue vaccination for children 87.5", text, StringComparison.Ordinal);
        Assert.Contains("computed 2026-11-25 08:55 UTC", text, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(dom, "<svg class=\"chart\""));
        Assert.Contains("role=\"img\" aria-label=\"Bar chart: articles ingested per hour over the last 48 hours, 14 in all", dom, StringComparison.Ordinal);
        Assert.Contains("<polyline class=\"line\"", dom, StringComparison.Ordinal);

        var screenshot = Path.Combine(Path.GetTempPath(), $"status-{Guid.NewGuid():N}.png");
        try
        {
            await HeadlessChromium.ScreenshotAsync(link, screenshot, 1280, 2000);
            if (Environment.GetEnvironmentVariable("SYNDICATION_KEEP_SCREENSHOT") is { Length: > 0 } keep)
            {
                File.Copy(screenshot, keep, overwrite: true);
            }

            var png = await File.ReadAllBytesAsync(screenshot);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            Assert.True(png.Length > 30_000, $"a rendered page with charts and tables is more than a blank PNG; this one has {png.Length} bytes");
        }
        finally
        {
            File.Delete(screenshot);
        }
    }

    [ChromiumFact]
    public async Task Without_trending_or_newsletter_runs_the_page_says_no_data_yet()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        await RunPipelineAsync(pipeline, withTrending: false);
        var status = pipeline.Get<StatusStage>();
        await status.WriteAsync(CancellationToken.None);

        var text = HeadlessChromium.VisibleText(await HeadlessChromium.DumpDomAsync(await status.ReadLinkAsync(TimeSpan.FromMinutes(10), CancellationToken.None)));

        Assert.Contains("Emails sent no data yet", text, StringComparison.Ordinal);
        Assert.Contains("No data yet: no run of the trending stage recorded a top score.", text, StringComparison.Ordinal);
        Assert.Contains("No data yet: no trending/{edition}.json published.", text, StringComparison.Ordinal);
        Assert.Contains("newsletter sends the newsletters no run recorded yet", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_is_private_an_anonymous_read_is_refused_and_the_link_reads_it()
    {
        await using var pipeline = await TestPipeline.StartAsync();
        var status = pipeline.Get<StatusStage>();
        await status.WriteAsync(CancellationToken.None);
        using var http = new HttpClient();

        using var anonymous = await http.GetAsync(status.PageBlob.Uri);
        using var signed = await http.GetAsync(await status.ReadLinkAsync(TimeSpan.FromMinutes(5), CancellationToken.None));

        Assert.False(anonymous.IsSuccessStatusCode, $"an anonymous read of the status page answered {(int)anonymous.StatusCode}");
        Assert.True(signed.IsSuccessStatusCode);
        Assert.Equal("text/html; charset=utf-8", signed.Content.Headers.ContentType?.ToString());
        Assert.Contains("<h1>Pipeline status</h1>", await signed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static int CountOf(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
