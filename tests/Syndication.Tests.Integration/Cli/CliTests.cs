using System.Text.RegularExpressions;
using Syndication.Cli;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Cli;

public sealed partial class CliTests
{
    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await SyndicationCommand.RunAsync(args, output);
        return (exit, output.ToString());
    }

    [GeneratedRegex(@"^\d+ storage requests?: \d+ reads?, \d+ writes?\.$", RegexOptions.Multiline)]
    private static partial Regex CostLine();

    [Fact]
    public async Task Ingest_reports_each_file_keeps_going_past_rejections_and_says_what_it_cost()
    {
        var account = await LocalStorage.NewAccountAsync();

        var (exit, output) = await RunAsync("--storage", account.ConnectionString, "ingest", Repository.Sample("articles"), Repository.Sample("broken"));

        Assert.Equal(0, exit);
        var articles = Directory.GetFiles(Repository.Sample("articles")).Length;
        var broken = Directory.GetFiles(Repository.Sample("broken")).Length;
        Assert.Contains($"{articles + broken} files: {articles} accepted, 0 updated, 0 unchanged, {broken} rejected (kept in rejected/ with a reason).", output, StringComparison.Ordinal);
        Assert.Matches(@"\[\d+/\d+\] rejected  broken/truncated\.ninjs\.json  Not valid JSON: .* \(line \d+, column \d+\)", output);
        Assert.Matches(@"\[\d+/\d+\] accepted  articles/2026-11-24-dengue-vaccine-rollout\.ninjs\.json  [0-9a-f]{16}  Delhi begins dengue", output);
        Assert.Matches(CostLine(), output);
    }

    [Fact]
    public async Task Feeds_reindex_rebuilds_a_lost_index_from_the_stored_articles_and_the_feeds_come_back_the_same()
    {
        var account = await LocalStorage.NewAccountAsync();
        await RunAsync("--storage", account.ConnectionString, "ingest", Repository.Sample("articles"));
        await RunAsync("--storage", account.ConnectionString, "feeds");
        using var http = new HttpClient();
        var feedUrl = new Uri(account.BlobBaseUrl, "feeds/rss.xml");
        var before = await http.GetStringAsync(feedUrl);

        // The index table loses every row (a mistaken delete, or rows of an older layout), and the feed goes with it.
        await new Azure.Storage.Blobs.BlobClient(account.ConnectionString, "feeds", "rss.xml").DeleteAsync();
        var index = new Azure.Data.Tables.TableClient(account.ConnectionString, Syndication.Adapters.Storage.StorageNames.ArticleIndexTable);
        foreach (var row in index.Query<Azure.Data.Tables.TableEntity>(select: ["PartitionKey", "RowKey"]).ToList())
        {
            await index.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        var (exit, output) = await RunAsync("--storage", account.ConnectionString, "feeds", "--reindex");

        Assert.Equal(0, exit);
        var articles = Directory.GetFiles(Repository.Sample("articles")).Length;
        Assert.Contains($"Index: {articles} stored articles queued", output, StringComparison.Ordinal);
        Assert.Equal(before, await http.GetStringAsync(feedUrl));
        Assert.NotEmpty(index.Query<Azure.Data.Tables.TableEntity>(select: ["PartitionKey"]).Take(1));
    }

    [Fact]
    public async Task Ingest_says_when_a_scheduled_story_lifts_in_utc_and_in_its_edition_zone()
    {
        var account = await LocalStorage.NewAccountAsync();
        var folder = Directory.CreateTempSubdirectory("syndication-embargo-").FullName;
        var file = Path.Combine(folder, "scheduled.md");
        await File.WriteAllTextAsync(file, "---\nuri: urn:test:scheduled\nheadline: Budget session opens\neditions: [india]\nembargoed: 2099-01-01T05:30:00+05:30\n---\n\nThe budget session opens.\n");

        var (exit, output) = await RunAsync("--storage", account.ConnectionString, "ingest", file);

        Directory.Delete(folder, recursive: true);
        Assert.Equal(0, exit);
        Assert.Contains("Budget session opens  [embargoed until 2099-01-01 00:00 UTC (05:30 Thu 1 Jan +05:30 in India, Asia/Kolkata)]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingesting_the_same_files_again_reports_them_unchanged()
    {
        var account = await LocalStorage.NewAccountAsync();
        var file = Repository.Sample("articles", "2026-11-23-grid-storage.md");
        await RunAsync("--storage", account.ConnectionString, "ingest", file);

        var (exit, output) = await RunAsync("--storage", account.ConnectionString, "ingest", file);

        Assert.Equal(0, exit);
        Assert.Contains("1 file: 0 accepted, 0 updated, 1 unchanged, 0 rejected.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_samples_ingests_them_builds_the_feeds_and_prints_a_feed_url_that_serves_them()
    {
        var account = await LocalStorage.NewAccountAsync();

        var (exit, output) = await RunAsync("--storage", account.ConnectionString, "run", "--samples", Repository.Samples);

        Assert.Equal(0, exit);
        var feedUrl = Regex.Match(output, @"feed of all articles:\s+(\S+)").Groups[1].Value;
        Assert.Equal(new Uri(account.BlobBaseUrl, "feeds/rss.xml"), new Uri(feedUrl));
        using var http = new HttpClient();
        var rss = await http.GetStringAsync(feedUrl);
        Assert.Contains("Delhi begins dengue vaccination", rss, StringComparison.Ordinal);
        Assert.Matches(CostLine(), output);

        // The page is written after the newsletters went, and counts them.
        var page = await http.GetStringAsync(Regex.Match(output, @"status page:\s+(\S+)").Groups[1].Value);
        Assert.Contains("<dt>Emails sent</dt><dd>17</dd>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_samples_prints_a_status_page_link_and_status_reports_the_runs_and_rejections()
    {
        var account = await LocalStorage.NewAccountAsync();
        var (_, runOutput) = await RunAsync("--storage", account.ConnectionString, "run", "--samples", Repository.Samples);

        var (exit, output) = await RunAsync("--storage", account.ConnectionString, "status", "--valid-for", "5");

        Assert.Equal(0, exit);
        var runLink = Regex.Match(runOutput, @"status page:\s+(\S+)").Groups[1].Value;
        Assert.StartsWith(new Uri(account.BlobBaseUrl, "status/index.html?").AbsoluteUri, runLink, StringComparison.Ordinal);
        Assert.Matches(@"ingest\s+Succeeded\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+1 runs in 48 h", output);
        Assert.Matches(@"feeds\s+Succeeded", output);
        Assert.Matches(@"status\s+Succeeded", output); // the page run/status wrote in the run before
        Assert.Contains("Last 48 hours: 14 ingested, 3 rejected,", output, StringComparison.Ordinal);
        Assert.Contains("3 files in rejected/.", output, StringComparison.Ordinal);
        Assert.Contains($"Status page: {new Uri(account.BlobBaseUrl, "status/index.html")} (private)", output, StringComparison.Ordinal);
        var link = Regex.Match(output, @"Read-only link, valid 5 minutes: (\S+)").Groups[1].Value;
        using var http = new HttpClient();
        var page = await http.GetStringAsync(link);
        Assert.Contains("broken/truncated.ninjs.json", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_path_is_a_failure_of_the_command()
    {
        var account = await LocalStorage.NewAccountAsync();

        var (exit, output) = await RunAsync("--storage", account.ConnectionString, "ingest", "/no/such/file.json");

        Assert.Equal(1, exit);
        Assert.Contains("error: No such file or folder: /no/such/file.json", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_describes_every_verb_and_the_storage_option()
    {
        var (exit, output) = await RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Contains("ingest", output, StringComparison.Ordinal);
        Assert.Contains("run", output, StringComparison.Ordinal);
        Assert.Contains("--storage", output, StringComparison.Ordinal);
        Assert.Contains("SYNDICATION_STORAGE", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Newsletter_import_preview_dry_run_and_send_write_the_real_emails_where_the_output_says()
    {
        var account = await LocalStorage.NewAccountAsync();
        await RunAsync("--storage", account.ConnectionString, "ingest", Repository.Sample("articles"));
        await RunAsync("--storage", account.ConnectionString, "feeds");

        var (importExit, imported) = await RunAsync("--storage", account.ConnectionString, "newsletter", "import", Repository.Sample("subscribers.csv"));
        var (_, dryRun) = await RunAsync("--storage", account.ConnectionString, "newsletter", "send", "--edition", "india", "--date", "2026-11-25", "--dry-run");
        var (sendExit, sent) = await RunAsync("--storage", account.ConnectionString, "newsletter", "send", "--edition", "india", "--date", "2026-11-25");
        var (_, again) = await RunAsync("--storage", account.ConnectionString, "newsletter", "send", "--edition", "india", "--date", "2026-11-25");

        Assert.Equal(0, importExit);
        Assert.Contains("21 subscribers imported.", imported, StringComparison.Ordinal);
        Assert.Contains("Newsletter india/2026-11-25: 3 would send,", dryRun, StringComparison.Ordinal);
        Assert.Equal(0, sendExit);
        Assert.Contains("Newsletter india/2026-11-25: 3 sent, 0 uncertain, 0 failed,", sent, StringComparison.Ordinal);
        var folder = Regex.Match(sent, @"to the folder \S+: (\S+)").Groups[1].Value;
        var emails = Directory.GetFiles(folder, "*.eml");
        Assert.Equal(3, emails.Length);
        Assert.All(emails, file => Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", File.ReadAllText(file), StringComparison.Ordinal));
        Assert.Contains("Newsletter india/2026-11-25: 0 sent,", again, StringComparison.Ordinal); // the issue went already

        var (reportExit, report) = await RunAsync("--storage", account.ConnectionString, "newsletter", "report", "--edition", "india", "--json");
        Assert.Equal(0, reportExit);
        using (var json = System.Text.Json.JsonDocument.Parse(report)) // the JSON alone: the cost line goes to standard error
        {
            var issue = Assert.Single(json.RootElement.GetProperty("issues").EnumerateArray());
            Assert.Equal("india/2026-11-25", issue.GetProperty("key").GetString());
            Assert.Equal(3, issue.GetProperty("sent").GetInt64());
            foreach (var field in new[] { "processed", "delivered", "deferred", "bounced", "dropped", "spamReports", "unsubscribes", "uniqueOpens", "machineOpens", "uniqueClicks", "scannerClicks" })
            {
                Assert.Equal(0, issue.GetProperty(field).GetInt64()); // the outbox posts no events
            }

            Assert.Equal(System.Text.Json.JsonValueKind.Null, issue.GetProperty("rates").GetProperty("spam").ValueKind);
            Assert.Equal("none", issue.GetProperty("spamLevel").GetString());
        }

        var (_, text) = await RunAsync("--storage", account.ConnectionString, "newsletter", "report");
        Assert.Contains("india/2026-11-25: 3 sent, 0 failed", text, StringComparison.Ordinal);
        Assert.Contains("spam reports 0 (n/a: none; Gmail's lines 0.1% and 0.3%)", text, StringComparison.Ordinal);

        var previewFolder = Path.Combine(Path.GetTempPath(), "syndication-preview-" + account.Name);
        var (previewExit, preview) = await RunAsync("--storage", account.ConnectionString, "newsletter", "preview", "--edition", "india", "--date", "2026-11-25", "--out", previewFolder);
        Assert.Equal(0, previewExit);
        var page = File.ReadAllText(Path.Combine(previewFolder, "india", "2026-11-25.html"));
        Assert.Contains("Delhi begins dengue vaccination", page, StringComparison.Ordinal);
        Assert.Contains("india/2026-11-25.health.html", preview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generated_page_views_of_the_indexed_articles_are_counted_with_their_bots_and_cut_lines_left_out()
    {
        var account = await LocalStorage.NewAccountAsync();
        await RunAsync("--storage", account.ConnectionString, "generate", "index", "--count", "300", "--seed", "3");
        await RunAsync("--storage", account.ConnectionString, "feeds");
        var folder = Directory.CreateTempSubdirectory("syndication-views-").FullName;
        var asOf = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:00'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var (exit, generated) = await RunAsync("--storage", account.ConnectionString, "generate", "pageviews", "--count", "20000", "--hours", "3", "--as-of", asOf, "--out", folder);
        var (_, counted) = await RunAsync("--storage", account.ConnectionString, "pageviews", folder, "--as-of", asOf);

        Assert.Equal(0, exit);
        Assert.Matches(@"20,000 page views of \d{2,3} recent articles written to 3 files", generated);
        var lines = Directory.GetFiles(folder).Sum(f => File.ReadLines(f).Count());
        Assert.Equal(20_000, lines);

        // What the counter reports per log adds up: every line is a counted view, a bot, a repeat, unknown or malformed.
        var reports = Regex.Matches(counted, @"([\d,]+) lines, ([\d,]+) views counted; not counted: ([\d,]+) bot, ([\d,]+) repeated, ([\d,]+) of unknown articles or editions, ([\d,]+) malformed");
        Assert.Equal(3, reports.Count);
        long Sum(int group) => reports.Sum(m => long.Parse(m.Groups[group].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(20_000, Sum(1));
        Assert.Equal(Sum(1), Sum(2) + Sum(3) + Sum(4) + Sum(5) + Sum(6));
        Assert.InRange(Sum(3), 700, 1_300); // one in twenty is a bot
        Assert.InRange(Sum(5), 40, 200); // one in two hundred names a retired article
        Assert.True(Sum(2) > 15_000, counted);
    }

    [Fact]
    public async Task Generated_subscribers_import_and_the_cost_line_splits_requests_by_service()
    {
        var account = await LocalStorage.NewAccountAsync();
        var file = Path.Combine(Directory.CreateTempSubdirectory("syndication-subscribers-").FullName, "subscribers.csv");

        var (exit, generated) = await RunAsync("generate", "subscribers", "--count", "400", "--seed", "5", "--out", file);
        var (importExit, imported) = await RunAsync("--storage", account.ConnectionString, "newsletter", "import", file);

        Assert.Equal(0, exit);
        Assert.Contains("400 subscribers written", generated, StringComparison.Ordinal);
        Assert.Equal(0, importExit);
        Assert.Contains("400 subscribers imported.", imported, StringComparison.Ordinal);
        var states = File.ReadLines(file).Skip(1).Select(l => l.Split(',')[4]).ToList();
        Assert.InRange(states.Count(s => s == "confirmed"), 300, 380);
        var total = Regex.Match(imported, @"(\d+) storage requests?: (\d+) reads?, (\d+) writes?\.");
        var byService = Regex.Match(imported, @"\(blob: (\d+) reads?, (\d+) writes?; table: (\d+) reads?, (\d+) writes?\)");
        Assert.True(byService.Success, imported);
        int At(Match m, int group) => int.Parse(m.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(At(total, 2), At(byService, 1) + At(byService, 3));
        Assert.Equal(At(total, 3), At(byService, 2) + At(byService, 4));
    }

    [Fact]
    public async Task Verbose_says_which_operations_the_requests_were()
    {
        var account = await LocalStorage.NewAccountAsync();
        var file = Path.Combine(Directory.CreateTempSubdirectory("syndication-subscribers-").FullName, "subscribers.csv");
        await RunAsync("generate", "subscribers", "--count", "120", "--seed", "6", "--out", file);

        var (exit, imported) = await RunAsync("--storage", account.ConnectionString, "newsletter", "import", file, "--verbose");
        var (_, quiet) = await RunAsync("--storage", account.ConnectionString, "newsletter", "import", file);

        Assert.Equal(0, exit);
        var total = long.Parse(Regex.Match(imported, @"(\d+) storage requests?:").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var operations = Regex.Matches(imported, @"^    (blob|table|queue) (read|write) (\w+): (\d+)$", RegexOptions.Multiline);
        Assert.Contains(operations, m => m.Groups[1].Value == "table" && m.Groups[2].Value == "write" && m.Groups[3].Value == "Batch");
        Assert.Equal(total, operations.Sum(m => long.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotMatch(new Regex(@"^    (blob|table|queue) ", RegexOptions.Multiline), quiet);
    }
}
