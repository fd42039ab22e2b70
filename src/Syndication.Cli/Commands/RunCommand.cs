using System.CommandLine;
using Syndication.Adapters.Storage;
using Syndication.Cli.Commands.Newsletter;
using Syndication.Core.Trending;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli.Commands;

/// <summary><c>run [--samples DIR]</c>: every stage once, as the timers would, and where to look.</summary>
internal static class RunCommand
{
    /// <summary>The folders of a samples folder that hold files to drop.</summary>
    private static readonly string[] SampleFolders = ["articles", "broken"];

    public static Command Create(Verb verb)
    {
        var samples = new Option<DirectoryInfo?>("--samples")
        {
            Description = "A samples folder (this repository's samples/): its articles/ and broken/ files are dropped into incoming/ first.",
        };
        var command = new Command("run", "Run every stage once on the current storage: ingest what waits in incoming/, then build the feeds whose articles changed; " +
            "with --samples, also import the sample subscribers and send them today's newsletters (to the outbox folder without a SendGrid key). Prints where to look.");
        command.Options.Add(samples);
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            var output = verb.Output;
            var folder = parse.GetValue(samples);
            var samplesAsOf = folder is null ? null : await DropSamplesAsync(session, folder, output, cancellationToken);

            await PollCommand.PollAsync(session, force: false, output, cancellationToken);
            output.WriteLine("Ingest: sweeping incoming/ ...");
            var index = 0;
            var outcomes = await session.Runs.RunAsync(StageNames.Ingest, "cli sweep", () =>
                session.Ingest.SweepAsync(o => Report.Outcome(output, o, ++index, total: null), cancellationToken), cancellationToken);
            Report.Summary(output, outcomes);

            await FeedsCommand.BuildAsync(session, rebuildAll: false, output, cancellationToken);
            await TrendingCommand.RankAsync(session, samplesAsOf, output, cancellationToken);
            if (folder is not null && new FileInfo(Path.Combine(folder.FullName, "subscribers.csv")) is { Exists: true } subscribers)
            {
                var imported = await ImportCommand.ImportAsync(session, subscribers, output, cancellationToken);
                output.WriteLine($"Newsletter: {imported} sample subscribers imported from {subscribers.FullName}; sending today's issues ...");
                await SendCommand.SendAllAsync(session, output, cancellationToken);
            }

            // As the alert timer does: breaking stories this build published go to the readers who asked for alerts.
            await AlertCommand.SendDueAsync(session, output, cancellationToken);

            // Last, so the page counts everything this run did, the newsletters included.
            var statusLink = await StatusCommand.WriteAsync(session, TimeSpan.FromHours(1), cancellationToken);
            PrintWhereToLook(session, statusLink, output);
        }));
        return command;
    }

    /// <summary>Drops the samples' articles into <c>incoming/</c> and their logs into <c>pageviews/</c>; returns the instant to rank the logs as of.</summary>
    private static async Task<DateTimeOffset?> DropSamplesAsync(PipelineSession session, DirectoryInfo folder, TextWriter output, CancellationToken cancellationToken)
    {
        if (!folder.Exists)
        {
            throw new CommandException($"The samples folder {folder.FullName} does not exist.");
        }

        var files = SampleFolders
            .Select(sub => Path.Combine(folder.FullName, sub))
            .Where(Directory.Exists)
            .SelectMany(dir => LocalFiles.Expand([dir]))
            .ToList();
        output.WriteLine($"Dropping {files.Count} sample files from {folder.FullName} into incoming/ ...");
        foreach (var (file, name) in files)
        {
            await session.DropZone.DropAsync(name, BinaryData.FromBytes(await File.ReadAllBytesAsync(file, cancellationToken)), cancellationToken);
        }

        var logs = Path.Combine(folder.FullName, "pageviews");
        if (!Directory.Exists(logs))
        {
            return null;
        }

        var logFiles = LocalFiles.Expand([logs]);
        output.WriteLine($"Dropping {logFiles.Count} sample page-view logs into pageviews/ ...");
        foreach (var (file, name) in logFiles)
        {
            await LocalFiles.DropLogAsync(session, file, name, cancellationToken);
        }

        return SampleLogs.EndOfNewestHour(logFiles.Select(f => f.File));
    }

    private static void PrintWhereToLook(PipelineSession session, Uri statusLink, TextWriter output)
    {
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
    }
}
