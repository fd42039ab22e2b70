using System.CommandLine;
using Syndication.Core.Trending;
using Syndication.Pipeline.Operations;

namespace Syndication.Cli.Commands;

/// <summary><c>trending [--as-of]</c>: count the waiting page-view logs, then rank every edition's box.</summary>
internal static class TrendingCommand
{
    public static Command Create(Verb verb)
    {
        var asOf = AsOfOption();
        var command = new Command("trending", "Count page-view logs waiting in pageviews/, then rank every edition's trending box; a box is published (trending/{edition}.json and its feeds) only when it changed.");
        command.Options.Add(asOf);
        command.SetAction(verb.Action((parse, session, cancellationToken) => RankAsync(session, parse.GetValue(asOf), verb.Output, cancellationToken)));
        return command;
    }

    /// <summary><c>--as-of</c>, shared by the verbs that count or rank logs written at another time.</summary>
    public static Option<DateTimeOffset?> AsOfOption() => new("--as-of")
    {
        Description = "Count and rank as of this instant (ISO 8601, e.g. 2026-11-25T10:00Z) instead of now: for replayed or sample logs, since only stories published in the last 48 hours can trend.",
    };

    /// <summary>Counts and ranks as runs of the trending stage and prints each box's top five (<c>run</c> does the same).</summary>
    public static async Task RankAsync(PipelineSession session, DateTimeOffset? asOf, TextWriter output, CancellationToken cancellationToken)
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
}
