using System.CommandLine;

namespace Syndication.Cli.Commands.Newsletter;

/// <summary><c>newsletter import CSV</c>: subscribers from a file, suppressions kept.</summary>
internal static class ImportCommand
{
    public static Command Create(Verb verb)
    {
        var file = new Argument<FileInfo>("CSV") { Description = "email,edition,sectors,cadence,status[,alerts] (sectors separated by ';'; status confirmed, pending or unsubscribed; alerts yes or no, for breaking-news alerts, kept as it was when absent), as samples/subscribers.csv." };
        var command = new Command("import", "Import subscribers from a CSV file; an address already known is replaced, a suppressed one stays suppressed.");
        command.Arguments.Add(file);
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            var imported = await ImportAsync(session, parse.GetValue(file)!, verb.Output, cancellationToken);
            verb.Output.WriteLine($"{imported} subscribers imported.");
        }));
        return command;
    }

    /// <summary>Imports the file, printing the first lines skipped; returns how many were imported (<c>run</c> imports the samples').</summary>
    public static async Task<int> ImportAsync(PipelineSession session, FileInfo file, TextWriter output, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CommandException($"No such file: {file.FullName}");
        }

        await session.Account.EnsureLayoutAsync(cancellationToken);
        await using var csv = file.OpenRead();
        var report = await session.Importer.ImportAsync(csv, cancellationToken);
        foreach (var skipped in report.FirstSkipped)
        {
            output.WriteLine($"  {skipped}: skipped");
        }

        if (report.Skipped > report.FirstSkipped.Count)
        {
            output.WriteLine($"  ... {report.Skipped} lines skipped in all.");
        }

        return report.Imported;
    }
}
