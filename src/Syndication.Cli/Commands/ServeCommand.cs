using System.CommandLine;

namespace Syndication.Cli.Commands;

/// <summary><c>serve [--port N]</c>: the HTTP functions on a local Kestrel (<see cref="ServeHost"/>), for a browser.</summary>
internal static class ServeCommand
{
    /// <summary>The port <c>func start</c> listens on, so local URLs look the same either way.</summary>
    public const int DefaultPort = 7071;

    public static Command Create(Verb verb)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0: any free one).", DefaultValueFactory = _ => DefaultPort };
        var command = new Command("serve", "Serve the HTTP functions (sign-up, confirmation, preferences, unsubscribe, the issue archive, SendGrid's webhook) " +
            "on 127.0.0.1 through the same handlers as the Functions app, against the same storage and settings as every verb, until Ctrl+C. " +
            "Links in emails point here; without a SendGrid key the emails are .eml files in the outbox folder.");
        command.Options.Add(port);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = verb.Output;
            var requests = TextWriter.Synchronized(output);
            ServeHost host;
            try
            {
                host = await ServeHost.ListenAsync(parse.GetValue(port), requests, cancellationToken);
            }
            catch (IOException ex)
            {
                output.WriteLine($"error: cannot listen on 127.0.0.1:{parse.GetValue(port)}: {ex.Message}");
                return 1;
            }

            await using (host)
            {
                return await verb.WithSessionAsync(parse, async session =>
                {
                    host.Attach(session);
                    host.PrintWelcome(session, output);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        output.WriteLine("Stopped.");
                    }

                    // Before the session goes: a feed build in progress stops, its changes stay queued.
                    await host.StopEventsAsync();
                }, cancellationToken, host.Settings);
            }
        });
        return command;
    }
}
