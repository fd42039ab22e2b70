using System.CommandLine;

namespace Syndication.Cli.Commands;

/// <summary><c>pageviews PATH... [--as-of]</c>: drop local page-view logs and count each, once per file.</summary>
internal static class PageViewsCommand
{
    public static Command Create(Verb verb)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Page-view logs (JSON lines: ts, article, edition, session, agent) or folders of them, dropped into pageviews/ and counted.",
            Arity = ArgumentArity.OneOrMore,
        };
        var asOf = TrendingCommand.AsOfOption();
        var command = new Command("pageviews", "Drop page-view logs into pageviews/ and count them into hourly views per edition and article, once per file.");
        command.Arguments.Add(paths);
        command.Options.Add(asOf);
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            var trending = session.Trending(parse.GetValue(asOf));
            foreach (var (file, name) in LocalFiles.Expand(parse.GetValue(paths) ?? []))
            {
                await LocalFiles.DropLogAsync(session, file, name, cancellationToken);
                Report.PageViews(verb.Output, await trending.CountAsync(name, cancellationToken));
            }
        }));
        return command;
    }
}
