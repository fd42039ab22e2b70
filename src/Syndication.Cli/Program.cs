using Syndication.Cli;

return await SyndicationCommand.RunAsync(args, Console.Out);
