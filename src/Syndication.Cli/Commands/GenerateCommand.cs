using System.CommandLine;
using Syndication.Cli.Generate;
using Syndication.Core.Catalog;
using Syndication.Core.Ingestion;

namespace Syndication.Cli.Commands;

/// <summary><c>generate articles | index | pageviews | subscribers</c>: synthetic data for scale runs.</summary>
internal static class GenerateCommand
{
    public static Command Create(Verb verb)
    {
        var command = new Command("generate", "Write synthetic data for scale runs.");
        command.Subcommands.Add(Articles(verb.Output));
        command.Subcommands.Add(Index(verb));
        command.Subcommands.Add(PageViews(verb));
        command.Subcommands.Add(Subscribers(verb.Output));
        return command;
    }

    private static Option<int> DaysOption() => new("--days") { Description = "Spread publication times over this many days back from now.", DefaultValueFactory = _ => 7 };

    private static Command Articles(TextWriter output)
    {
        var count = new Option<int>("--count") { Description = "How many articles.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed writes the same files.", DefaultValueFactory = _ => 1 };
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder to write into (created if missing).", Required = true };
        var days = DaysOption();
        var command = new Command("articles", "Write synthetic ninjs articles spread over editions, sectors, sections and the last --days days.");
        command.Options.Add(count);
        command.Options.Add(days);
        command.Options.Add(seed);
        command.Options.Add(folder);
        command.SetAction(async (parse, cancellationToken) =>
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
        return command;
    }

    private static Command Index(Verb verb)
    {
        var count = new Option<int>("--count") { Description = "How many articles.", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed makes the same articles.", DefaultValueFactory = _ => 1 };
        var days = DaysOption();
        var command = new Command("index", "Queue synthetic articles straight into the article index's change queue, 100 per transaction (no article blobs, no archive): " +
            "a large index in minutes for measuring feed builds. The next `feeds` applies them.");
        command.Options.Add(count);
        command.Options.Add(seed);
        command.Options.Add(days);
        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            await session.Account.EnsureLayoutAsync(cancellationToken);
            var total = parse.GetValue(count);
            var now = DateTimeOffset.UtcNow;
            var articles = ArticleGenerator.Articles(total, parse.GetValue(seed), now, parse.GetValue(days))
                .Select(file => session.Normalizer.Normalize(NinjsReader.Read(file.Content), origin: file.Name));
            var transactions = 0;
            var queued = 0;
            foreach (var chunk in articles.Chunk(10_000))
            {
                transactions += await session.Articles.RecordNewAsync(chunk, now, cancellationToken);
                queued += chunk.Length;
                verb.Output.WriteLine($"  {queued:N0} articles queued ...");
            }

            verb.Output.WriteLine($"{total:N0} articles queued in {transactions:N0} transactions.");
        }));
        return command;
    }

    private static Command PageViews(Verb verb)
    {
        var count = new Option<long>("--count") { Description = "How many page views in all.", DefaultValueFactory = _ => 1_000_000 };
        var hours = new Option<int>("--hours") { Description = "Hours of traffic, one log file per UTC hour, ending with the hour of --as-of.", DefaultValueFactory = _ => 24 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed and index write the same logs.", DefaultValueFactory = _ => 1 };
        var folder = new Option<DirectoryInfo>("--out") { Description = "Folder to write the logs into (created if missing).", Required = true };
        var asOf = TrendingCommand.AsOfOption();
        var command = new Command("pageviews", "Write synthetic page-view logs (JSON lines, one file per hour) of the articles the index lists as recent: " +
            "Zipf popularity decaying after publication, a day curve, 5% bots, returning sessions, views of retired articles, a few cut lines. Count them with `pageviews DIR`.");
        foreach (var option in new Option[] { count, hours, seed, folder, asOf })
        {
            command.Options.Add(option);
        }

        command.SetAction(verb.Action(async (parse, session, cancellationToken) =>
        {
            var end = parse.GetValue(asOf) ?? DateTimeOffset.UtcNow;
            var window = TimeSpan.FromHours(parse.GetValue(hours)) + session.TrendingSettings.EligibilityWindow;
            var recent = await session.Index.RecentAsync(end - window, cancellationToken);

            // As a CDN logs them: mostly the page's URL, sometimes the article id an app sends.
            var articles = recent.Select((a, i) => new ViewableArticle(i % 4 == 3 ? a.Id : a.Url.AbsoluteUri, a.Created)).ToList();
            var files = PageViewGenerator.Write(
                articles, [.. session.Catalog.Editions.Select(e => e.Id)], parse.GetValue(count), end, parse.GetValue(hours), parse.GetValue(seed), parse.GetValue(folder)!, verb.Output);
            verb.Output.WriteLine($"{parse.GetValue(count):N0} page views of {articles.Count:N0} recent articles written to {files.Count} files in {parse.GetValue(folder)!.FullName}.");
        }));
        return command;
    }

    private static Command Subscribers(TextWriter output)
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
}
