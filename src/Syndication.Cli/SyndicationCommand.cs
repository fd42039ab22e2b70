using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Syndication.Adapters.Storage;
using Syndication.Cli.Generate;
using Syndication.Pipeline;

namespace Syndication.Cli;

/// <summary>The <c>syndication</c> command line: verbs over the same stage services the Functions app calls.</summary>
public static class SyndicationCommand
{
    /// <summary>The folders of a samples folder that hold files to drop.</summary>
    private static readonly string[] SampleFolders = ["articles", "broken"];

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var root = Create(output);
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
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
        root.Subcommands.Add(GenerateCommand(output));
        root.Subcommands.Add(RunCommand(output, storage, verbose));
        root.Subcommands.Add(NewsletterCommand.Create(output, storage, verbose));
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
            var outcomes = await IngestFilesAsync(session, files, Math.Max(1, parse.GetValue(parallel)), output, cancellationToken);
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
            }

            await PollAsync(session, force: false, output, cancellationToken);
            output.WriteLine("Ingest: sweeping incoming/ ...");
            var index = 0;
            outcomes.AddRange(await session.Ingest.SweepAsync(o => Report.Outcome(output, o, ++index, total: null), cancellationToken));
            Report.Summary(output, outcomes);

            await BuildFeedsAsync(session, rebuildAll: false, output, cancellationToken);

            if (parse.GetValue(samples) is { } sampleFolder && new FileInfo(Path.Combine(sampleFolder.FullName, "subscribers.csv")) is { Exists: true } subscribers)
            {
                var imported = await NewsletterCommand.ImportAsync(session, subscribers, output, cancellationToken);
                output.WriteLine($"Newsletter: {imported} sample subscribers imported from {subscribers.FullName}; sending today's issues ...");
                await NewsletterCommand.SendAllAsync(session, output, cancellationToken);
            }

            output.WriteLine();
            output.WriteLine("Where to look:");
            output.WriteLine($"  feed of all articles:  {session.Feeds.PublicUrl("rss.xml")}");
            output.WriteLine($"  feed of an edition:    {session.Feeds.PublicUrl("editions/india/rss.xml")}");
            output.WriteLine($"  containers:            {string.Join(", ", StorageNames.PrivateContainers.Append(StorageNames.FeedsContainer))} in {session.Account.Blobs.Uri}");
            output.WriteLine($"  rejected files:        {session.Account.Container(StorageNames.RejectedContainer).Uri} (each with a .error.json)");
            output.WriteLine($"  newsletters:           {session.Newsletter.Transport.Destination}; archived issues in {session.Account.Container(StorageNames.NewslettersContainer).Uri}");
        }, cancellationToken));
        return command;
    }

    private static Command GenerateCommand(TextWriter output)
    {
        var count = new Option<int>("--count") { Description = "How many articles.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed writes the same files.", DefaultValueFactory = _ => 1 };
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder to write into (created if missing).", Required = true };
        var articles = new Command("articles", "Write synthetic ninjs articles spread over editions, sectors, sections and the last seven days.");
        articles.Options.Add(count);
        articles.Options.Add(seed);
        articles.Options.Add(folder);
        articles.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(folder)!;
            target.Create();
            var written = 0;
            foreach (var (name, content) in ArticleGenerator.Articles(parse.GetValue(count), parse.GetValue(seed), DateTimeOffset.UtcNow))
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
        var command = new Command("generate", "Write synthetic data for scale runs.");
        command.Subcommands.Add(articles);
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
        var polls = await session.Upstream.PollAsync(force, cancellationToken);
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
        var command = new Command("feeds", "Bring the article index up to date and rebuild the feeds whose articles changed; only feeds whose bytes change are uploaded.");
        command.Options.Add(all);
        command.SetAction((parse, cancellationToken) => WithSessionAsync(parse, output, storage, verbose, session =>
            BuildFeedsAsync(session, parse.GetValue(all), output, cancellationToken), cancellationToken));
        return command;
    }

    private static async Task BuildFeedsAsync(PipelineSession session, bool rebuildAll, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(rebuildAll ? "Feeds: rebuilding all ..." : "Feeds: building those with changed articles ...");
        var feeds = await session.Feeds.BuildAsync(rebuildAll, cancellationToken);
        foreach (var feed in feeds)
        {
            output.WriteLine($"  {(feed.Written ? "written  " : "unchanged")} {feed.Items,3} items  {feed.Url}");
        }

        output.WriteLine(feeds.Count == 0
            ? "  no article changed since the last build: every feed is up to date."
            : $"  {feeds.Count(f => f.Written)} feeds written, {feeds.Count(f => !f.Written)} unchanged.");
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
        ParseResult parse, TextWriter output, Option<string?> storage, Option<bool> verbose, Func<PipelineSession, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await PipelineSession.OpenAsync(parse.GetValue(storage), parse.GetValue(verbose), output, cancellationToken);
            try
            {
                await work(session);
            }
            finally
            {
                output.WriteLine(session.Account.Counter.ToString() + ".");
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
            _ => $"{outcome.ArticleId}  {outcome.Headline}",
        };
        output.WriteLine($"  {counter} {what,-9} {outcome.File}  {detail}");
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
