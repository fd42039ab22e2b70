using System.CommandLine;
using Syndication.Pipeline;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli.Commands;

/// <summary><c>feeds [--all] [--reindex]</c>: a feed build now, under the same lease as the Functions app's.</summary>
internal static class FeedsCommand
{
    public static Command Create(Verb verb)
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
        command.SetAction(verb.Action((parse, session, cancellationToken) => parse.GetValue(reindex)
            ? ReindexAsync(session, verb.Output, cancellationToken)
            : BuildAsync(session, parse.GetValue(all), verb.Output, cancellationToken)));
        return command;
    }

    /// <summary>Builds as a run of the feeds stage and prints each feed written or unchanged (<c>run</c> builds the changed ones).</summary>
    public static async Task BuildAsync(PipelineSession session, bool rebuildAll, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(rebuildAll ? "Feeds: rebuilding all ..." : "Feeds: building those with changed articles ...");
        Print(output, await session.Runs.RunAsync(StageNames.Feeds, "cli", () => session.Publishing.BuildAsync(rebuildAll, cancellationToken), cancellationToken));
    }

    private static async Task ReindexAsync(PipelineSession session, TextWriter output, CancellationToken cancellationToken)
    {
        var feeds = await session.Runs.RunAsync(StageNames.Feeds, "cli", () => session.Publishing.ReindexAsync(
            progress =>
            {
                if (!progress.Building)
                {
                    output.WriteLine($"  {progress.Queued:N0} articles queued for the index ...");
                    return;
                }

                output.WriteLine($"Index: {progress.Queued:N0} stored articles queued; building the index and every feed from them ...");
                output.WriteLine("Feeds: rebuilding all ...");
            },
            cancellationToken), cancellationToken);
        Print(output, feeds);
    }

    private static void Print(TextWriter output, IReadOnlyList<FeedResult> feeds)
    {
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
}
