using System.CommandLine;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli.Commands;

/// <summary><c>ingest PATH...</c>: local files straight into the ingest stage, each file's fate printed.</summary>
internal static class IngestCommand
{
    public static Command Create(Verb verb)
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
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            var files = LocalFiles.Expand(parse.GetValue(paths) ?? []);
            var outcomes = await session.Runs.RunAsync(StageNames.Ingest, "cli ingest", () =>
                IngestAsync(session, files, Math.Max(1, parse.GetValue(parallel)), verb.Output, cancellationToken), cancellationToken);
            Report.Summary(verb.Output, outcomes);
        }));
        return command;
    }

    private static async Task<List<IngestOutcome>> IngestAsync(
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
                outcomes[i] = await session.Ingest.IngestLocalFileAsync(files[i].File, files[i].Name, ct);
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
}
