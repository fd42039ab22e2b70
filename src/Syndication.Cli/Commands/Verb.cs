using System.CommandLine;
using Microsoft.Extensions.Options;

namespace Syndication.Cli.Commands;

/// <summary>
/// What every verb shares: where it prints, the root's <c>--storage</c> and <c>--verbose</c>, and how
/// a verb's work runs against the pipeline (<see cref="WithSessionAsync"/>).
/// </summary>
internal sealed record Verb(TextWriter Output, Option<string?> Storage, Option<bool> Verbose)
{
    /// <summary>
    /// Opens the pipeline, does the work, and prints what it cost in storage requests. A failure
    /// the operator can fix (<see cref="CommandException"/>, a setting, storage's answer) is printed
    /// as one <c>error:</c> line and exit code 1; anything else is a bug and escapes.
    /// </summary>
    /// <param name="overrides">Settings that win over the environment's (<c>serve</c>'s own public URL).</param>
    /// <param name="machineReadable">Whether the verb prints a document for a program (<c>--json</c>): its output is then the document alone, and the cost line goes to standard error.</param>
    public async Task<int> WithSessionAsync(
        ParseResult parse, Func<PipelineSession, Task> work, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? overrides = null, bool machineReadable = false)
    {
        try
        {
            await using var session = await PipelineSession.OpenAsync(parse.GetValue(Storage), parse.GetValue(Verbose), Output, cancellationToken, overrides);
            try
            {
                await work(session);
            }
            finally
            {
                var cost = machineReadable ? Console.Error : Output;
                cost.WriteLine(session.Account.Counter.ToString() + ".");
                if (session.Account.Counter.Total > 0)
                {
                    cost.WriteLine($"  ({session.Account.Counter.ByService()})");
                    if (parse.GetValue(Verbose))
                    {
                        // Where a cost comes from: each operation's count ("table read QueryEntities: 318").
                        foreach (var (operation, count) in session.Account.Counter.ByOperation)
                        {
                            cost.WriteLine($"    {operation}: {count}");
                        }
                    }
                }
            }

            return 0;
        }
        catch (CommandException ex)
        {
            Output.WriteLine($"error: {ex.Message}");
            return 1;
        }
        catch (OptionsValidationException ex)
        {
            Output.WriteLine("error: the configuration is not valid:");
            foreach (var failure in ex.Failures)
            {
                Output.WriteLine($"  - {failure}");
            }

            return 1;
        }
        catch (Azure.RequestFailedException ex)
        {
            Output.WriteLine($"error: storage answered {ex.Status} {ex.ErrorCode}: {ex.Message.Split('\n')[0]}");
            return 1;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not Ctrl+C: the run's lease was lost (the store too slow to renew it) or a request timed
            // out. System.CommandLine would exit 1 without a word; say it, and that a re-run resumes.
            Output.WriteLine($"error: the run stopped before it finished ({ex.Message}); what it wrote stays, and the next run goes on from there.");
            return 1;
        }
    }

    /// <summary>A verb's action over the pipeline: <see cref="WithSessionAsync"/> with the parse result bound.</summary>
    /// <param name="machineReadable">Whether this call's output is a document for a program (see <see cref="WithSessionAsync"/>).</param>
    public Func<ParseResult, CancellationToken, Task<int>> Action(Func<ParseResult, PipelineSession, CancellationToken, Task> work, Func<ParseResult, bool>? machineReadable = null) =>
        (parse, cancellationToken) => WithSessionAsync(parse, session => work(parse, session, cancellationToken), cancellationToken, machineReadable: machineReadable?.Invoke(parse) == true);
}
