using System.CommandLine;
using Syndication.Core.Newsletters;

namespace Syndication.Cli.Commands.Newsletter;

/// <summary><c>newsletter preview</c>: an issue rendered to files from the current index, nothing sent.</summary>
internal static class PreviewCommand
{
    public static Command Create(Verb verb)
    {
        var edition = NewsletterCommand.EditionOption();
        var cadence = NewsletterCommand.CadenceOption();
        var date = NewsletterCommand.DateOption();
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder for the files.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "newsletters")) };
        var command = new Command("preview", "Render an edition's issue from the current index to files: the web page (as archived), the plain text, and one sample email of each sector.");
        command.Options.Add(edition);
        command.Options.Add(cadence);
        command.Options.Add(date);
        command.Options.Add(folder);
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            var output = verb.Output;
            var (found, localDate) = NewsletterCommand.Resolve(session, parse.GetValue(edition)!, parse.GetValue(cadence), parse.GetValue(date));
            var issue = await session.Newsletter.BuildIssueAsync(found, parse.GetValue(cadence), localDate, cancellationToken);
            var renderer = session.Renderer;
            var target = parse.GetValue(folder)!;
            var baseName = Path.Combine(target.FullName, issue.IssueKey.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(baseName)!);
            var all = renderer.Prepare(issue, []);
            await File.WriteAllTextAsync(baseName + ".html", renderer.ArchivePage(all), cancellationToken);
            var sample = renderer.Personalize(all, SampleRecipient([]));
            await File.WriteAllTextAsync(baseName + ".txt", sample.Text, cancellationToken);
            output.WriteLine($"Issue {issue.IssueKey}: \"{all.Subject}\", {issue.Stories.Count} stories in the edition, {all.StoryCount} shown, {issue.Trending.Count} trending.");
            output.WriteLine($"  web page:   {baseName}.html ({System.Text.Encoding.UTF8.GetByteCount(renderer.ArchivePage(all)):N0} bytes)");
            output.WriteLine($"  plain text: {baseName}.txt");
            foreach (var sector in session.Catalog.Sectors)
            {
                var variant = renderer.Prepare(issue, [sector.Id]);
                if (variant.FellBackToAllSectors)
                {
                    continue;
                }

                var file = $"{baseName}.{sector.Id}.html";
                await File.WriteAllTextAsync(file, renderer.Personalize(variant, SampleRecipient([sector.Id])).Html, cancellationToken);
                output.WriteLine($"  {sector.Name,-22} {variant.StoryCount,2} stories  {file}");
            }
        }));
        return command;
    }

    private static DigestRecipient SampleRecipient(IReadOnlyList<string> sectors) => new()
    {
        Email = EmailAddress.Parse("reader@example.com"),
        SubscriberId = "preview",
        Sectors = sectors,
        UnsubscribeToken = "preview-unsubscribe",
        PreferencesToken = "preview-preferences",
        Name = "Reader",
    };
}
