using System.CommandLine;
using Syndication.Cli.Commands;
using Syndication.Cli.Commands.Newsletter;

namespace Syndication.Cli;

/// <summary>
/// The <c>syndication</c> command line: verbs over the same stage services the Functions app calls.
/// Each verb is its own file in <c>Commands/</c>; the root only holds the options they share.
/// </summary>
public static class SyndicationCommand
{
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
        var verb = new Verb(output, storage, verbose);

        var root = new RootCommand("Syndication: ingests news articles and publishes feeds, trending lists and newsletters.");
        root.Options.Add(storage);
        root.Options.Add(verbose);
        root.Subcommands.Add(IngestCommand.Create(verb));
        root.Subcommands.Add(PollCommand.Create(verb));
        root.Subcommands.Add(FeedsCommand.Create(verb));
        root.Subcommands.Add(PageViewsCommand.Create(verb));
        root.Subcommands.Add(TrendingCommand.Create(verb));
        root.Subcommands.Add(GenerateCommand.Create(verb));
        root.Subcommands.Add(RunCommand.Create(verb));
        root.Subcommands.Add(StatusCommand.Create(verb));
        root.Subcommands.Add(NewsletterCommand.Create(verb));
        root.Subcommands.Add(ServeCommand.Create(verb));
        return root;
    }
}
