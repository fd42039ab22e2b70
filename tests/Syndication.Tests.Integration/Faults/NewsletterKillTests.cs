using System.Diagnostics;
using System.Text;
using Syndication.Adapters.Newsletters;
using Syndication.Core.Newsletters;
using Syndication.Tests.Infrastructure;
using Syndication.Tests.Newsletters;
using Xunit.Abstractions;

namespace Syndication.Tests.Faults;

/// <summary>
/// The CLI's <c>newsletter send</c> as a real process, killed (process tree and all) in the middle
/// of an issue, and run again: what each reader ends up with, and what the ledger says.
/// </summary>
[Collection(HeavyWriters.Name)]
public sealed class NewsletterKillTests(ITestOutputHelper output)
{
    private const int Readers = 3000;
    private const string IssueKey = "global/2026-11-25";

    /// <summary>How long one CLI run may take before the test gives up on it: it takes 5 to 30 s here.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Killed_while_a_batch_is_in_flight_the_rerun_sends_only_the_rest_and_reports_the_batch_uncertain_not_resent()
    {
        var started = Stopwatch.StartNew();
        await using var sendGrid = await FakeSendGrid.StartAsync(recordContent: false);
        await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync();
        var (confirmed, others) = await SeedAsync(pipeline);

        // SendGrid takes the first batch, takes the second too, and never answers it: the process dies waiting.
        sendGrid.Queue(SendGridFault.None, SendGridFault.AcceptThenHang);
        using (var first = Cli.Start(pipeline.Account, sendGrid))
        {
            await first.WaitForAsync(sendGrid.Hung, Limit);
            first.Kill();
            output.WriteLine($"first run, killed after {started.Elapsed.TotalSeconds:0.0} s:\n{first.Output}");
        }

        var firstRun = sendGrid.Delivered.Select(m => m.Subscriber).ToHashSet();
        var before = await BatchesAsync(pipeline);
        Assert.Equal(2000, firstRun.Count);
        Assert.Equal([(1, BatchState.Sent), (2, BatchState.Sending)], before.Select(b => (b.Number, b.State)));

        var (exit, rerun) = await Cli.RunAsync(pipeline.Account, sendGrid, Limit);
        output.WriteLine($"second run:\n{rerun}");

        // Readers: one email each across both runs (the batch in flight had reached SendGrid); nobody else any.
        Assert.Equal(0, exit);
        Mail.AssertExactlyOnce(sendGrid.Delivered, confirmed);
        Assert.DoesNotContain(sendGrid.Delivered, m => others.Contains(m.Subscriber));

        // The second run sent only the rest, in one request, and nobody of the first run's 2,000 again.
        Assert.Equal(3, sendGrid.MailRequests);
        Assert.Equal(Readers - 2000, sendGrid.Delivered.Count - firstRun.Count);

        // The ledger and the run's report call the batch that was in flight uncertain, with why; it was not resent.
        var after = await BatchesAsync(pipeline);
        Assert.Equal([(1, BatchState.Sent), (2, BatchState.Uncertain), (3, BatchState.Sent)], after.Select(b => (b.Number, b.State)));
        Assert.StartsWith("The run stopped while the request was in flight", after[1].Reason, StringComparison.Ordinal);
        Assert.Contains($"Newsletter {IssueKey}: 1000 sent, 1000 uncertain, 0 failed, 0 to retry, 0 opted out during the run, 1000 sent before;", rerun, StringComparison.Ordinal);
        Assert.Contains("b000002: The run stopped while the request was in flight", rerun, StringComparison.Ordinal);
        output.WriteLine($"took {started.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Killed_right_after_a_batch_was_accepted_the_rerun_sends_only_the_rest()
    {
        var started = Stopwatch.StartNew();
        await using var sendGrid = await FakeSendGrid.StartAsync(recordContent: false);
        await using var pipeline = await NewsletterStageTests.PipelineWithStoriesAsync();
        var (confirmed, others) = await SeedAsync(pipeline);

        // The kill comes as the 202 of the first batch reaches the process: before or after it wrote
        // "sent" to the ledger. A request that still gets out before the kill lands is held, unread.
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sendGrid.OnAccepted = n => accepted.TrySetResult();
        sendGrid.Queue(SendGridFault.None, SendGridFault.Hang, SendGridFault.Hang);
        using (var first = Cli.Start(pipeline.Account, sendGrid))
        {
            await first.WaitForAsync(accepted.Task, Limit);
            first.Kill();
            output.WriteLine($"first run, killed after {started.Elapsed.TotalSeconds:0.0} s:\n{first.Output}");
        }

        sendGrid.OnAccepted = null;
        sendGrid.ClearFaults();
        var firstRun = sendGrid.Delivered.Select(m => m.Subscriber).ToHashSet();
        var before = await BatchesAsync(pipeline);
        output.WriteLine("ledger at the kill: " + string.Join(", ", before.Select(b => $"{b.Number} {b.State}")));
        Assert.Equal(1000, firstRun.Count);
        Assert.Contains(before[0].State, new[] { BatchState.Sent, BatchState.Sending });

        var (exit, rerun) = await Cli.RunAsync(pipeline.Account, sendGrid, Limit);
        output.WriteLine($"second run:\n{rerun}");
        Assert.Equal(0, exit);

        // A batch whose request got out before the kill but was never read is uncertain: its readers
        // got nothing, and the ledger says so (SendGrid's events settle it). Everyone else: exactly one.
        var after = await BatchesAsync(pipeline);
        var unread = sendGrid.Log.Count(r => r.Fault == SendGridFault.Hang);
        var batchOf = await pipeline.Get<SendLedger>().PlannedAsync(IssueKey, CancellationToken.None);

        var heldBatches = after.Where(b => b.State == BatchState.Uncertain && !confirmed.Any(s => batchOf[s.Id] == b.Number && firstRun.Contains(s.Id))).Select(b => b.Number).ToHashSet();
        Assert.Equal(unread, heldBatches.Count);
        var unmailed = confirmed.Where(s => heldBatches.Contains(batchOf[s.Id])).ToList();
        Mail.AssertExactlyOnce(sendGrid.Delivered, confirmed.Except(unmailed));
        Assert.DoesNotContain(sendGrid.Delivered, m => others.Contains(m.Subscriber));
        Assert.Equal(Readers - 1000 - unmailed.Count, sendGrid.Delivered.Count - firstRun.Count);
        Assert.Equal(1 + unread + ((Readers - 1000 - unmailed.Count) / 1000), sendGrid.MailRequests);
        Assert.All(after, b => Assert.Contains(b.State, new[] { BatchState.Sent, BatchState.Uncertain }));
        output.WriteLine($"{unread} request(s) held unread; took {started.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task An_alert_killed_while_a_batch_is_in_flight_reaches_each_opted_in_reader_once_on_the_rerun()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync(recordContent: false);
        await using var pipeline = await TestPipeline.StartAsync();
        await pipeline.Storage.EnsureLayoutAsync(CancellationToken.None);
        var opted = await AlertTests.SeedAsync(pipeline, "alert-reader", 2500, alerts: true);
        var digestOnly = await AlertTests.SeedAsync(pipeline, "digest-only", 10, alerts: false);
        var outcome = await pipeline.DropAndIngestAsync("quake.md", AlertTests.Story("quake", "Strong earthquake strikes off the coast", urgency: 1, pipeline.Clock.GetUtcNow().AddMinutes(-1)));
        await pipeline.Feeds.BuildAsync(rebuildAll: false, CancellationToken.None);
        string[] alert = ["newsletter", "alert", "--article", outcome.ArticleId!];

        sendGrid.Queue(SendGridFault.None, SendGridFault.AcceptThenHang);
        using (var first = Cli.Start(pipeline.Account, sendGrid, alert))
        {
            await first.WaitForAsync(sendGrid.Hung, Limit);
            first.Kill();
            output.WriteLine($"first run, killed:\n{first.Output}");
        }

        Assert.Equal(2000, sendGrid.Delivered.Count);
        var (exit, rerun) = await Cli.RunAsync(pipeline.Account, sendGrid, Limit, alert);
        output.WriteLine($"second run:\n{rerun}");

        Assert.Equal(0, exit);
        Mail.AssertExactlyOnce(sendGrid.Delivered, opted);
        Assert.DoesNotContain(sendGrid.Delivered, m => digestOnly.Any(d => d.Id == m.Subscriber));
        Assert.Contains($"Alert global/alert/{outcome.ArticleId}: 500 sent, 1000 uncertain,", rerun, StringComparison.Ordinal);

        // A third run (an editor pressing again, or the timer) sends nothing.
        var (_, third) = await Cli.RunAsync(pipeline.Account, sendGrid, Limit, alert);
        output.WriteLine($"third run:\n{third}");
        Assert.Equal(2500, sendGrid.Delivered.Count);
    }

    /// <summary>3,000 confirmed readers of one sector selection (so batches are whole thousands), and some who must get nothing.</summary>
    private static async Task<(List<Subscriber> Confirmed, HashSet<string> Others)> SeedAsync(TestPipeline pipeline)
    {
        var confirmed = await NewsletterStageTests.SeedAsync(pipeline, "reader", Readers, sectors: ["health"]);
        var pending = await NewsletterStageTests.SeedAsync(pipeline, "pending", 10, state: SubscriberState.Pending, sectors: ["health"]);
        var gone = await NewsletterStageTests.SeedAsync(pipeline, "gone", 10, state: SubscriberState.Unsubscribed, sectors: ["health"]);
        return (confirmed, pending.Concat(gone).Select(s => s.Id).ToHashSet(StringComparer.Ordinal));
    }

    private static async Task<List<LedgerBatch>> BatchesAsync(TestPipeline pipeline) =>
        [.. (await pipeline.Get<SendLedger>().BatchesAsync(IssueKey, CancellationToken.None)).OrderBy(b => b.Number)];

    /// <summary>The built CLI (<c>syndication.dll</c>, copied beside the tests) as a child process, with its output captured.</summary>
    private sealed class Cli : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private Cli(Process process)
        {
            _process = process;
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        /// <summary><c>newsletter send --edition global --date 2026-11-25</c> against the test's account and fake SendGrid.</summary>
        public static Cli Start(TestAccount account, FakeSendGrid sendGrid, params string[] command)
        {
            var dll = CliProcess.Dll();
            var start = new ProcessStartInfo(CliProcess.DotnetHost())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            string[] what = command.Length > 0 ? command : ["newsletter", "send", "--edition", "global", "--date", "2026-11-25"];
            foreach (var arg in new[] { dll, "--storage", account.ConnectionString }.Concat(what))
            {
                start.ArgumentList.Add(arg);
            }

            // Only the test's own servers: storage from --storage, SendGrid from these settings.
            start.Environment.Remove("SYNDICATION_STORAGE");
            foreach (var (key, value) in FakeSendGrid.Keys)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            start.Environment["Syndication__Newsletter__SendGridApiKey"] = FakeSendGrid.ApiKey;
            start.Environment["Syndication__Newsletter__SendGridHost"] = sendGrid.Server.BaseUrl.AbsoluteUri.TrimEnd('/');
            start.Environment["Syndication__Newsletter__RequestTimeoutSeconds"] = "120";
            start.Environment["Syndication__Newsletter__RetryBackoffMilliseconds"] = "20";
            start.Environment["Syndication__Newsletter__MaxRetryAfterSeconds"] = "5";
            foreach (var (name, value) in FakeSendGrid.ComplianceSettings)
            {
                start.Environment["Syndication__Newsletter__" + name] = value;
            }
            var cli = new Cli(new Process { StartInfo = start });
            cli._process.OutputDataReceived += (_, e) => cli.Append(e.Data);
            cli._process.ErrorDataReceived += (_, e) => cli.Append(e.Data);
            cli._process.Start();
            cli._process.BeginOutputReadLine();
            cli._process.BeginErrorReadLine();
            return cli;
        }

        /// <summary>Runs the command to its end: its exit code and output.</summary>
        public static async Task<(int Exit, string Output)> RunAsync(TestAccount account, FakeSendGrid sendGrid, TimeSpan limit, params string[] command)
        {
            using var cli = Start(account, sendGrid, command);
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await cli._process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                cli.Kill();
                Assert.Fail($"The CLI did not finish within {limit.TotalSeconds:0} s:\n{cli.Output}");
            }

            cli._process.WaitForExit(); // the last lines of output
            return (cli._process.ExitCode, cli.Output);
        }

        /// <summary>Waits for <paramref name="signal"/>, failing (with the CLI's output) if the process ends first or time runs out.</summary>
        public async Task WaitForAsync(Task signal, TimeSpan limit)
        {
            var exited = _process.WaitForExitAsync();
            var done = await Task.WhenAny(signal, exited, Task.Delay(limit));
            if (done != signal)
            {
                Kill();
                Assert.Fail((done == exited ? $"The CLI exited ({_process.ExitCode}) first" : $"Nothing within {limit.TotalSeconds:0} s") + $":\n{Output}");
            }
        }

        /// <summary>SIGKILL to the process and its children: no finally block, no flush, no last ledger write.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
