using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Cli.Generate;
using Syndication.Core.Catalog;
using Syndication.Core.Trending;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli;

/// <summary>The <c>syndication</c> command line: verbs over the same stage services the Functions app calls.</summary>
public static class SyndicationCommand
{
    /// <summary>The folders of a samples folder that hold files to drop.</summary>
    private static readonly string[] SampleFolders = ["articles", "broken"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        var root = Create(output);
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, cancellationToken);
    }

    public static RootCommand Create(TextWriter output)
    {
        var storage = new Option<string?>("--storage")
        {
            Description = "Storage connection string, or an account's blob endpoint (https://{account}.blob.core.windows.net/, signed in with az login). " +
                "Default: $SYNDICATION_STORAGE, else $AzureWebJobsStorage (or its identity-based __blobServiceUri settings), else development storage " +
                "(a local Azurite, started in memory on 127.0.0.1:10000-10002 when nothing listens there). Feeds go to $FeedsStorage__blobServiceUri when set.",
            Recursive = true,
        };
        var verbose = new Option<bool>("--verbose") { Description = "Show the stages' own log lines.", Recursive = true };

        var root = new RootCommand("Syndication: ingests news articles and publishes feeds, trending lists and newsletters.");
        root.Options.Add(storage);
        root.Options.Add(verbose);
        root.Subcommands.Add(IngestCommand(output, storage, verbose));
        root.Subcommands.Add(PollCommand(output, storage, verbose));
        root.Subcommands.Add(FeedsCommand(output, storage, verbose));
        root.Subcommands.Add(PageViewsCommand(output, storage, verbose));
        root.Subcommands.Add(TrendingCommand(output, storage, verbose));
        root.Subcommands.Add(GenerateCommand(output, storage, verbose));
        root.Subcommands.Add(RunCommand(output, storage, verbose));
        root.Subcommands.Add(StatusCommand(output, storage, verbose));
        root.Subcommands.Add(NewsletterCommand.Create(output, storage, verbose));
        root.Subcommands.Add(ServeCommand.Create(output, storage, verbose));
        return root;
    }

    private static Command IngestCommand(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Files or folders to drop into incoming/ (ninjs .json, Markdown .md); folders are read recursively.",
            Arity = ArgumentArity.OneOrMore,
        };
        var parallel = new Option<int>("--parallel") { Description = "Files ingested at once.", DefaultValueFactory = _ => 8 };
        var command = new Command("ingest", "Ingest files now, printing what became of each: the originals are kept in archive/, " +
            "or in rejected/ with the reason. A rejected file does not fail the command.");
        command.Arguments.Add(paths);
        command.Options.Add(parallel);
        command.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            var files = ExpandPaths(parse.GetValue(paths) ?? []);
            var outcomes = await session.Runs.RunAsync(StageNames.Ingest, "cli ingest", () =>
                IngestFilesAsync(session, files, Math.Max(1, parse.GetValue(parallel)), output, cancellationToken), cancellationToken);
            Report.Summary(output, outcomes);
        }, cancellationToken));
        return command;
    }

    private static Command RunCommand(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var samples = new Option<DirectoryInfo?>("--samples")
        {
            Description = "A samples folder (this repository's samples/): its articles/ and broken/ files are dropped into incoming/ first.",
        };
        var command = new Command("run", "Run every stage once on the current storage: ingest what waits in incoming/, then build the feeds whose articles changed; " +
            "with --samples, also import the sample subscribers and send them today's newsletters (to the outbox folder without a SendGrid key). Prints where to look.");
        command.Options.Add(samples);
        command.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            var outcomes = new List<IngestOutcome>();
            DateTimeOffset? samplesAsOf = null;
            if (parse.GetValue(samples) is { } folder)
            {
                if (!folder.Exists)
                {
                    throw new CommandException($"The samples folder {folder.FullName} does not exist.");
                }

                var files = SampleFolders
                    .Select(sub => Path.Combine(folder.FullName, sub))
                    .Where(Directory.Exists)
                    .SelectMany(dir => ExpandPaths([dir]))
                    .ToList();
                output.WriteLine($"Dropping {files.Count} sample files from {folder.FullName} into incoming/ ...");
                foreach (var (file, name) in files)
                {
                    await session.DropZone.DropAsync(name, BinaryData.FromBytes(await File.ReadAllBytesAsync(file, cancellationToken)), cancellationToken);
                }

                var logs = Path.Combine(folder.FullName, "pageviews");
                if (Directory.Exists(logs))
                {
                    var logFiles = ExpandPaths([logs]);
                    output.WriteLine($"Dropping {logFiles.Count} sample page-view logs into pageviews/ ...");
                    foreach (var (file, name) in logFiles)
                    {
                        await DropLogAsync(session, file, name, cancellationToken);
                    }

                    samplesAsOf = SampleLogs.EndOfNewestHour(logFiles.Select(f => f.File));
                }
            }

            await PollAsync(session, force: false, output, cancellationToken);
            output.WriteLine("Ingest: sweeping incoming/ ...");
            var index = 0;
            outcomes.AddRange(await session.Runs.RunAsync(StageNames.Ingest, "cli sweep", () =>
                session.Ingest.SweepAsync(o => Report.Outcome(output, o, ++index, total: null), cancellationToken), cancellationToken));
            Report.Summary(output, outcomes);

            await BuildFeedsAsync(session, rebuildAll: false, output, cancellationToken);
            await RankTrendingAsync(session, samplesAsOf, output, cancellationToken);
            if (parse.GetValue(samples) is { } sampleFolder && new FileInfo(Path.Combine(sampleFolder.FullName, "subscribers.csv")) is { Exists: true } subscribers)
            {
                var imported = await NewsletterCommand.ImportAsync(session, subscribers, output, cancellationToken);
                output.WriteLine($"Newsletter: {imported} sample subscribers imported from {subscribers.FullName}; sending today's issues ...");
                await NewsletterCommand.SendAllAsync(session, output, cancellationToken);
            }

            // As the alert timer does: breaking stories this build published go to the readers who asked for alerts.
            await NewsletterCommand.SendDueAlertsAsync(session, output, cancellationToken);

            // Last, so the page counts everything this run did, the newsletters included.
            var statusLink = await WriteStatusAsync(session, TimeSpan.FromHours(1), cancellationToken);

            output.WriteLine();
            output.WriteLine("Where to look:");
            output.WriteLine($"  feed of all articles:  {session.Feeds.PublicUrl("rss.xml")}");
            output.WriteLine($"  feed of an edition:    {session.Feeds.PublicUrl("editions/india/rss.xml")}");
            output.WriteLine($"  trending in an edition: {session.Feeds.PublicUrl(TrendingDocument.PathOf("india"))} and {session.Feeds.PublicUrl("trending/india/rss.xml")}");
            output.WriteLine($"  containers:            {string.Join(", ", StorageNames.PrivateContainers.Append(StorageNames.FeedsContainer))} in {session.Account.Blobs.Uri}");
            output.WriteLine($"  rejected files:        {session.Account.Container(StorageNames.RejectedContainer).Uri} (each with a .error.json)");
            output.WriteLine($"  status page:           {statusLink}");
            output.WriteLine("                         (a read-only link for one hour; `syndication status` writes the page again and prints a new one)");
            output.WriteLine($"  newsletters:           {session.Newsletter.Transport.Destination}; archived issues in {session.Account.Container(StorageNames.NewslettersContainer).Uri}");
        }, cancellationToken));
        return command;
    }

    private static Command StatusCommand(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var validFor = new Option<int>("--valid-for")
        {
            Description = "Minutes the printed read-only link stays valid.",
            DefaultValueFactory = _ => 60,
        };
        var command = new Command("status", "Write the status page now (status/index.html: stages, counts, rejected files, charts) and print where it is, " +
            "with a read-only link for a browser. The container is private: the link is signed with the account key, or with your own sign-in (az login) in Azure.");
        command.Options.Add(validFor);
        command.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            var minutes = parse.GetValue(validFor);
            if (minutes is < 1 or > 7 * 24 * 60)
            {
                throw new CommandException("--valid-for takes 1 to 10080 minutes (a week, the longest a user-delegation link may last).");
            }

            var link = await WriteStatusAsync(session, TimeSpan.FromMinutes(minutes), cancellationToken);
            var report = await session.Status.ReportAsync(cancellationToken);
            output.WriteLine("Stages (last run):");
            foreach (var stage in report.Stages)
            {
                output.WriteLine(stage.LastRunAt is { } at
                    ? $"  {stage.Name,-11} {stage.Outcome,-9} {at:yyyy-MM-dd HH:mm} UTC  {stage.Runs} runs in {StatusStage.Window.TotalHours:0} h"
                    : $"  {stage.Name,-11} no run recorded yet");
            }

            output.WriteLine(
                $"Last {StatusStage.Window.TotalHours:0} hours: {report.Total(StageCounts.Ingested)} ingested, {report.Total(StageCounts.Rejected)} rejected, " +
                $"{report.Total(StageCounts.FeedsWritten)} feeds written, {report.Total(StageCounts.EmailsSent)} emails sent; {report.RejectedTotal} files in rejected/.");
            output.WriteLine($"Status page: {session.Status.PageBlob.Uri} (private)");
            output.WriteLine($"Read-only link, valid {minutes} minutes: {link}");
        }, cancellationToken));
        return command;
    }

    /// <summary>Writes the page as a run of the status stage and returns a read-only link to it.</summary>
    private static async Task<Uri> WriteStatusAsync(PipelineSession session, TimeSpan validFor, CancellationToken cancellationToken)
    {
        await session.Runs.RunAsync(StageNames.Status, "cli", () => session.Status.WriteAsync(cancellationToken), cancellationToken);
        return await session.Status.ReadLinkAsync(validFor, cancellationToken);
    }

    private static Option<DateTimeOffset?> AsOfOption() => new("--as-of")
    {
        Description = "Count and rank as of this instant (ISO 8601, e.g. 2026-11-25T10:00Z) instead of now: for replayed or sample logs, since only stories published in the last 48 hours can trend.",
    };

    private static Command PageViewsCommand(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Page-view logs (JSON lines: ts, article, edition, session, agent) or folders of them, dropped into pageviews/ and counted.",
            Arity = ArgumentArity.OneOrMore,
        };
        var asOf = AsOfOption();
        var command = new Command("pageviews", "Drop page-view logs into pageviews/ and count them into hourly views per edition and article, once per file.");
        command.Arguments.Add(paths);
        command.Options.Add(asOf);
        command.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            var trending = session.Trending(parse.GetValue(asOf));
            foreach (var (file, name) in ExpandPaths(parse.GetValue(paths) ?? []))
            {
                await DropLogAsync(session, file, name, cancellationToken);
                Report.PageViews(output, await trending.CountAsync(name, cancellationToken));
            }
        }, cancellationToken));
        return command;
    }

    /// <summary>Puts a local page-view log into <c>pageviews/</c>, streamed, as an export would.</summary>
    private static async Task DropLogAsync(PipelineSession session, string file, string name, CancellationToken cancellationToken)
    {
        await using var content = File.OpenRead(file);
        await session.PageViews.DropAsync(name, content, cancellationToken);
    }

    private static Command TrendingCommand(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var asOf = AsOfOption();
        var command = new Command("trending", "Count page-view logs waiting in pageviews/, then rank every edition's trending box; a box is published (trending/{edition}.json and its feeds) only when it changed.");
        command.Options.Add(asOf);
        command.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, session =>
            RankTrendingAsync(session, parse.GetValue(asOf), output, cancellationToken), cancellationToken));
        return command;
    }

    private static async Task RankTrendingAsync(PipelineSession session, DateTimeOffset? asOf, TextWriter output, CancellationToken cancellationToken)
    {
        var trending = session.Trending(asOf);
        foreach (var counted in await session.Runs.CountPageViewsAsync("cli", () => trending.SweepAsync(cancellationToken), cancellationToken))
        {
            Report.PageViews(output, counted);
        }

        output.WriteLine(asOf is { } instant ? $"Trending as of {instant:u}:" : "Trending:");
        foreach (var box in await session.Runs.RankTrendingAsync("cli", () => trending.RankAsync(cancellationToken), cancellationToken))
        {
            output.WriteLine($"  {box.Edition} ({(box.Changed ? "published" : "unchanged")}): {session.Feeds.PublicUrl(TrendingDocument.PathOf(box.Edition))}");
            foreach (var item in box.Document.Items.Take(5))
            {
                output.WriteLine($"    {item.Rank,2}. {item.Headline}  (score {item.Score:0.000}, {item.Views} views)");
            }

            if (box.Document.Items.Count == 0)
            {
                output.WriteLine("    (no views of recent stories yet)");
            }
        }
    }

    private static Command GenerateCommand(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var count = new Option<int>("--count") { Description = "How many articles.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed writes the same files.", DefaultValueFactory = _ => 1 };
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder to write into (created if missing).", Required = true };
        var days = new Option<int>("--days") { Description = "Spread publication times over this many days back from now.", DefaultValueFactory = _ => 7 };
        var articles = new Command("articles", "Write synthetic ninjs articles spread over editions, sectors, sections and the last --days days.");
        articles.Options.Add(count);
        articles.Options.Add(days);
        articles.Options.Add(seed);
        articles.Options.Add(folder);
        articles.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(folder)!;
            target.Create();
            var written = 0;
            foreach (var (name, content) in ArticleGenerator.Articles(parse.GetValue(count), parse.GetValue(seed), DateTimeOffset.UtcNow, parse.GetValue(days)))
            {
                await File.WriteAllBytesAsync(Path.Combine(target.FullName, name), content, cancellationToken);
                if (++written % 1000 == 0)
                {
                    output.WriteLine($"  {written} articles written ...");
                }
            }

            output.WriteLine($"{written} articles written to {target.FullName}.");
            return 0;
        });
        var indexCount = new Option<int>("--count") { Description = "How many articles.", DefaultValueFactory = _ => 100_000 };
        var indexSeed = new Option<int>("--seed") { Description = "Seed: the same seed makes the same articles.", DefaultValueFactory = _ => 1 };
        var index = new Command("index", "Queue synthetic articles straight into the article index's change queue, 100 per transaction (no article blobs, no archive): " +
            "a large index in minutes for measuring feed builds. The next `feeds` applies them.");
        index.Options.Add(indexCount);
        index.Options.Add(indexSeed);
        index.Options.Add(days);
        index.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            await session.Account.EnsureLayoutAsync(cancellationToken);
            var count = parse.GetValue(indexCount);
            var now = DateTimeOffset.UtcNow;
            var articlesToQueue = ArticleGenerator.Articles(count, parse.GetValue(indexSeed), now, parse.GetValue(days))
                .Select(file => session.Normalizer.Normalize(Syndication.Core.Ingestion.NinjsReader.Read(file.Content), origin: file.Name));
            var transactions = 0;
            var queued = 0;
            foreach (var chunk in articlesToQueue.Chunk(10_000))
            {
                transactions += await session.Articles.RecordNewAsync(chunk, now, cancellationToken);
                queued += chunk.Length;
                output.WriteLine($"  {queued:N0} articles queued ...");
            }

            output.WriteLine($"{count:N0} articles queued in {transactions:N0} transactions.");
        }, cancellationToken));

        var command = new Command("generate", "Write synthetic data for scale runs.");
        command.Subcommands.Add(articles);
        command.Subcommands.Add(index);
        command.Subcommands.Add(GeneratePageViewsCommand(output, storage, verbose));
        command.Subcommands.Add(GenerateSubscribersCommand(output));
        return command;
    }

    private static Command GeneratePageViewsCommand(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var count = new Option<long>("--count") { Description = "How many page views in all.", DefaultValueFactory = _ => 1_000_000 };
        var hours = new Option<int>("--hours") { Description = "Hours of traffic, one log file per UTC hour, ending with the hour of --as-of.", DefaultValueFactory = _ => 24 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed and index write the same logs.", DefaultValueFactory = _ => 1 };
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder to write the logs into (created if missing).", Required = true };
        var asOf = AsOfOption();
        var command = new Command("pageviews", "Write synthetic page-view logs (JSON lines, one file per hour) of the articles the index lists as recent: " +
            "Zipf popularity decaying after publication, a day curve, 5% bots, returning sessions, views of retired articles, a few cut lines. Count them with `pageviews DIR`.");
        foreach (var option in new Option[] { count, hours, seed, folder, asOf })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            var end = parse.GetValue(asOf) ?? DateTimeOffset.UtcNow;
            var window = TimeSpan.FromHours(parse.GetValue(hours)) + session.TrendingSettings.EligibilityWindow;
            var recent = await session.Index.RecentAsync(end - window, cancellationToken);

            // As a CDN logs them: mostly the page's URL, sometimes the article id an app sends.
            var articles = recent.Select((a, i) => new ViewableArticle(i % 4 == 3 ? a.Id : a.Url.AbsoluteUri, a.Created)).ToList();
            var files = PageViewGenerator.Write(
                articles, [.. session.Catalog.Editions.Select(e => e.Id)], parse.GetValue(count), end, parse.GetValue(hours), parse.GetValue(seed), parse.GetValue(folder)!, output);
            output.WriteLine($"{parse.GetValue(count):N0} page views of {articles.Count:N0} recent articles written to {files.Count} files in {parse.GetValue(folder)!.FullName}.");
        }, cancellationToken));
        return command;
    }

    private static Command GenerateSubscribersCommand(TextWriter output)
    {
        var count = new Option<int>("--count") { Description = "How many subscribers.", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed writes the same list.", DefaultValueFactory = _ => 1 };
        var file = new Option<FileInfo>("--out") { Description = "The CSV file to write (for `newsletter import`).", Required = true };
        var command = new Command("subscribers", "Write a synthetic subscriber list (email,edition,sectors,cadence,status) for `newsletter import`: " +
            "the default editions and sectors, mostly daily, 85% confirmed.");
        command.Options.Add(count);
        command.Options.Add(seed);
        command.Options.Add(file);
        command.SetAction(parse =>
        {
            SubscriberGenerator.Write([.. PublicationCatalog.DefaultEditions.Select(e => e.Id)], [.. PublicationCatalog.DefaultSectors.Select(s => s.Id)], parse.GetValue(count), parse.GetValue(seed), parse.GetValue(file)!);
            output.WriteLine($"{parse.GetValue(count):N0} subscribers written to {parse.GetValue(file)!.FullName}.");
            return 0;
        });
        return command;
    }

    private static Command PollCommand(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var command = new Command("poll", "Poll every configured agency feed now (Syndication:Upstream:Feeds), ignoring intervals and back-off, and ingest their items.");
        command.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, session =>
            PollAsync(session, force: true, output, cancellationToken), cancellationToken));
        return command;
    }

    private static async Task PollAsync(PipelineSession session, bool force, TextWriter output, CancellationToken cancellationToken)
    {
        var polls = await session.Runs.RunAsync(StageNames.Upstream, "cli", () => session.Upstream.PollAsync(force, cancellationToken), cancellationToken);
        if (polls.Count == 0)
        {
            output.WriteLine("Upstream: no agency feeds configured (Syndication:Upstream:Feeds).");
            return;
        }

        output.WriteLine("Upstream:");
        foreach (var poll in polls)
        {
            var detail = poll.Result switch
            {
                PollResult.Fetched => $"{poll.Items.Count} items: {poll.Count(IngestResult.Accepted)} accepted, {poll.Count(IngestResult.Updated)} updated, " +
                    $"{poll.Count(IngestResult.Unchanged)} unchanged, {poll.Count(IngestResult.Rejected)} rejected",
                PollResult.Failed => $"{poll.Error} Next try after {poll.NextPollAfter:u}.",
                PollResult.Skipped => $"not due before {poll.NextPollAfter:u}",
                _ => "not modified",
            };
            output.WriteLine($"  {poll.Result.ToString().ToLowerInvariant(),-12} {poll.Feed}  {detail}");
            foreach (var rejected in poll.Items.Where(i => i.Result == IngestResult.Rejected).Take(5))
            {
                output.WriteLine($"      rejected {rejected.File}: {rejected.Rejection?.Reason}");
            }
        }
    }

    private static Command FeedsCommand(TextWriter output, Option<string?> storage, Option<bool> verbose)
    {
        var all = new Option<bool>("--all") { Description = "Rebuild every feed, not only those whose articles changed (after a change of settings)." };
        var reindex = new Option<bool>("--reindex")
        {
            Description = "Rebuild the article index from the stored articles (after losing the index table, or a change of its layout), then every feed. " +
                "Reads every article once.",
        };
        var command = new Command("feeds", "Bring the article index up to date and rebuild the feeds whose articles changed; only feeds whose bytes change are uploaded.");
        command.Options.Add(all);
        command.Options.Add(reindex);
        command.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, async session =>
        {
            if (parse.GetValue(reindex))
            {
                await ReindexAsync(session, output, cancellationToken);
            }

            await BuildFeedsAsync(session, parse.GetValue(all) || parse.GetValue(reindex), output, cancellationToken);
        }, cancellationToken));
        return command;
    }

    /// <summary>Queues a change record for every stored article, so the next build writes each into the index anew.</summary>
    private static async Task ReindexAsync(PipelineSession session, TextWriter output, CancellationToken cancellationToken)
    {
        await session.Account.EnsureLayoutAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var queued = 0;
        await foreach (var page in session.Articles.ListAsync(readsInFlight: 16, cancellationToken))
        {
            await session.Articles.RecordNewAsync(page, now, cancellationToken);
            queued += page.Count;
            output.WriteLine($"  {queued:N0} articles queued for the index ...");
        }

        output.WriteLine($"Index: {queued:N0} stored articles queued; building the index and every feed from them ...");
    }

    private static async Task BuildFeedsAsync(PipelineSession session, bool rebuildAll, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(rebuildAll ? "Feeds: rebuilding all ..." : "Feeds: building those with changed articles ...");
        var feeds = await session.Runs.RunAsync(StageNames.Feeds, "cli", () => session.Publishing.BuildAsync(rebuildAll, cancellationToken), cancellationToken);
        foreach (var feed in feeds.Where(f => !f.Archive))
        {
            output.WriteLine($"  {(feed.Written ? "written  " : "unchanged")} {feed.Items,3} items  {feed.Url}");
        }

        // Archive pages are many after a bulk load: counted, not listed.
        var pages = feeds.Where(f => f.Archive).ToList();
        if (pages.Count > 0)
        {
            output.WriteLine($"  archive pages (RFC 5005): {pages.Count(f => f.Written)} files written, {pages.Count(f => !f.Written)} unchanged, {pages.Sum(f => f.Items):N0} items in them.");
        }

        output.WriteLine(feeds.Count == 0
            ? "  no article changed since the last build: every feed is up to date."
            : $"  {feeds.Count(f => f.Written && !f.Archive)} feeds written, {feeds.Count(f => !f.Written && !f.Archive)} unchanged.");
    }

    private static async Task<List<IngestOutcome>> IngestFilesAsync(
        PipelineSession session, List<(string File, string Name)> files, int parallel, TextWriter output, CancellationToken cancellationToken)
    {
        var outcomes = new IngestOutcome[files.Count];
        var done = 0;
        var gate = new Lock();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, files.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (file, name) = files[i];

                // Local files go straight to the stage (no round trip through incoming/); the original is archived the same way.
                var size = new FileInfo(file).Length;
                var dropped = size > session.MaxFileBytes
                    ? new DroppedFile(name, BinaryData.Empty, size, IncomingETag: null)
                    : DroppedFile.Local(name, BinaryData.FromBytes(await File.ReadAllBytesAsync(file, ct)));
                outcomes[i] = await session.Ingest.IngestAsync(dropped, ct);
                lock (gate)
                {
                    // Every file of a small batch; of a large one, rejections and a progress line every 500 files.
                    if (++done is var n && (files.Count <= 200 || outcomes[i].Result == IngestResult.Rejected || n % 500 == 0 || n == files.Count))
                    {
                        Report.Outcome(output, outcomes[i], n, files.Count);
                    }
                }
            });
        return [.. outcomes];
    }

    /// <summary>Files to drop, each with the blob name it gets: a file its own name, a folder's files their path inside it.</summary>
    private static List<(string File, string Name)> ExpandPaths(IEnumerable<string> paths)
    {
        var files = new List<(string, string)>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add((path, Path.GetFileName(path)));
            }
            else if (Directory.Exists(path))
            {
                var root = Path.GetFullPath(path);
                var parent = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar));
                foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    if (!Path.GetFileName(file).StartsWith('.'))
                    {
                        files.Add((file, parent + "/" + Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/')));
                    }
                }
            }
            else
            {
                throw new CommandException($"No such file or folder: {path}");
            }
        }

        return files;
    }

    internal static async Task<int> WithSessionAsync(
        ParseResult parse,
        TextWriter output,
        Option<string?> storage,
        Option<bool> verbose,
        Func<PipelineSession, Task> work,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        try
        {
            await using var session = await PipelineSession.OpenAsync(parse.GetValue(storage), parse.GetValue(verbose), output, cancellationToken, overrides);
            try
            {
                await work(session);
            }
            finally
            {
                output.WriteLine(session.Account.Counter.ToString() + ".");
                if (session.Account.Counter.Total > 0)
                {
                    output.WriteLine($"  ({session.Account.Counter.ByService()})");
                }
            }

            return 0;
        }
        catch (CommandException ex)
        {
            output.WriteLine($"error: {ex.Message}");
            return 1;
        }
        catch (OptionsValidationException ex)
        {
            output.WriteLine("error: the configuration is not valid:");
            foreach (var failure in ex.Failures)
            {
                output.WriteLine($"  - {failure}");
            }

            return 1;
        }
        catch (Azure.RequestFailedException ex)
        {
            output.WriteLine($"error: storage answered {ex.Status} {ex.ErrorCode}: {ex.Message.Split('\n')[0]}");
            return 1;
        }
    }
}

/// <summary>A failure of the tool or of its arguments, said plainly.</summary>
public sealed class CommandException(string message) : Exception(message)
{
    public CommandException()
        : this("The command failed.")
    {
    }

    public CommandException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

internal static class Report
{
    public static void Outcome(TextWriter output, IngestOutcome outcome, int index, int? total)
    {
        var counter = total is { } t ? $"[{index}/{t}]" : $"[{index}]";
        var what = outcome.Result.ToString().ToLowerInvariant();
        var detail = outcome.Result switch
        {
            IngestResult.Rejected when outcome.Rejection is { } r =>
                r.Reason + (r.Line is { } line ? $" (line {line}{(r.Column is { } col ? $", column {col}" : "")})" : ""),
            IngestResult.Missing => "no longer in incoming/",
            _ => $"{outcome.ArticleId}  {outcome.Headline}" + (outcome.Publication is { } publication ? $"  [{publication}]" : ""),
        };
        output.WriteLine($"  {counter} {what,-9} {outcome.File}  {detail}");
    }

    public static void PageViews(TextWriter output, PageViewCountOutcome outcome)
    {
        if (outcome.Missing || outcome.AlreadyCounted || outcome.Aggregation is not { } log)
        {
            output.WriteLine($"  {outcome.File}: {(outcome.Missing ? "no longer in pageviews/" : "counted before, skipped")}");
            return;
        }

        output.WriteLine(
            $"  {outcome.File}: {log.TotalLines:N0} lines, {outcome.StoredViews:N0} views counted; not counted: {log.BotViews:N0} bot, " +
            $"{log.DuplicateSessionViews:N0} repeated, {outcome.UnknownArticleViews + outcome.UnknownEditionViews:N0} of unknown articles or editions, " +
            $"{log.MalformedLines:N0} malformed lines{(log.MalformedLines > 0 ? $" (first: {string.Join(", ", log.FirstMalformedLines)})" : "")}");
    }

    public static void Summary(TextWriter output, IReadOnlyCollection<IngestOutcome> outcomes)
    {
        int Count(IngestResult result) => outcomes.Count(o => o.Result == result);
        output.WriteLine(
            $"{outcomes.Count} file{(outcomes.Count == 1 ? "" : "s")}: {Count(IngestResult.Accepted)} accepted, {Count(IngestResult.Updated)} updated, " +
            $"{Count(IngestResult.Unchanged)} unchanged, {Count(IngestResult.Rejected)} rejected" +
            (Count(IngestResult.Rejected) > 0 ? " (kept in rejected/ with a reason)." : "."));
    }
}
