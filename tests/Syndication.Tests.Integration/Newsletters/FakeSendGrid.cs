using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Newsletters;

/// <summary>How the fake answers one mail request.</summary>
internal enum SendGridFault
{
    None,

    /// <summary>429 with <c>Retry-After: 1</c>; nothing delivered.</summary>
    TooManyRequests,

    /// <summary>500; nothing delivered.</summary>
    ServerError,

    /// <summary>413; nothing delivered.</summary>
    TooLarge,

    /// <summary>Takes the batch (delivers it) and then answers too late for the client's timeout.</summary>
    AcceptThenTimeout,

    /// <summary>Takes the batch (delivers it) and never answers: the request stays open until the client goes away.</summary>
    AcceptThenHang,

    /// <summary>Neither reads the batch nor answers (nothing delivered) until the client goes away.</summary>
    Hang,
}

/// <summary>One mail request as the fake saw it: when it came, how it was answered, and when (times from the fake's start).</summary>
internal sealed record MailRequestRecord(int Number, SendGridFault Fault, TimeSpan Arrived, TimeSpan Answered, int Personalizations);

/// <summary>One email as its recipient would get it, from the personalization and the shared content.</summary>
internal sealed record DeliveredMail(
    string To,
    string Subscriber,
    string Issue,
    string Subject,
    string Html,
    string Text,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> CustomArgs);

/// <summary>
/// A loopback server that speaks SendGrid's <c>POST /v3/mail/send</c>: 202 with <c>X-Message-Id</c>,
/// or the faults the test queues, one per request in order. Records what each recipient received.
/// </summary>
internal sealed class FakeSendGrid : IAsyncDisposable
{
    public const string ApiKey = "SG.loopback-test-key";

    private readonly ConcurrentQueue<SendGridFault> _faults = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly TaskCompletionSource<int> _hung = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;

    private FakeSendGrid()
    {
    }

    public LoopbackServer Server { get; private set; } = null!;

    public ConcurrentQueue<DeliveredMail> Delivered { get; } = new();

    /// <summary>Called with the number of each mail request (1, 2, ...) as it arrives, before it is answered.</summary>
    public Action<int>? OnRequest { get; set; }

    /// <summary>Personalizations per request, in the order requests arrived.</summary>
    public ConcurrentQueue<int> Personalizations { get; } = new();

    public int MailRequests => Volatile.Read(ref _requests);

    /// <summary>Every authorized mail request, in the order they were answered.</summary>
    public ConcurrentQueue<MailRequestRecord> Log { get; } = new();

    /// <summary>Completes with the number of the first request held open (<see cref="SendGridFault.AcceptThenHang"/> after delivering it, or <see cref="SendGridFault.Hang"/>).</summary>
    public Task<int> Hung => _hung.Task;

    /// <summary>Called with the number of a request answered 202, once the answer has been sent.</summary>
    public Action<int>? OnAccepted { get; set; }

    /// <summary>Time since the fake started, on the clock of <see cref="Log"/>.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>How long <see cref="SendGridFault.AcceptThenTimeout"/> waits before answering: longer than the client's timeout.</summary>
    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>False keeps every body out of memory, for large runs.</summary>
    public bool RecordContent { get; init; } = true;

    public static async Task<FakeSendGrid> StartAsync(bool recordContent = true)
    {
        var fake = new FakeSendGrid { RecordContent = recordContent };
        fake.Server = await LoopbackServer.StartAsync(fake.HandleAsync, recordRequests: false);
        return fake;
    }

    public void Queue(params SendGridFault[] queued)
    {
        foreach (var fault in queued)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>Drops the faults not yet used: the requests to come are answered 202.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>
    /// What a real send needs beside the key (a postal address, an authenticated From domain), and a
    /// warm-up that began long ago: an account already warm, so only the tests of caps meet one.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ComplianceSettings = new Dictionary<string, string>
    {
        ["PostalAddress"] = "1 Example Street, Springfield, 00000, United States",
        ["AuthenticatedDomains"] = "news.example.com",
        ["WarmupStartDate"] = "2020-01-01",
    };

    /// <summary>
    /// Token and subscriber-id keys for the tests that send through SendGrid: with a SendGrid key set,
    /// the public development keys are refused at start. Test values, not secrets.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Keys { get; } = new Dictionary<string, string>
    {
        ["Syndication:Newsletter:TokenSigningKey"] = "t1:" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("loopback test token key, 32 bytes+")),
        ["Syndication:Newsletter:SubscriberIdKey"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("loopback test subscriber id key, 32 bytes+")),
    };

    /// <summary>Settings that point the app's SendGrid transport here, with short timeouts and back-off.</summary>
    public Dictionary<string, string?> Settings(int batchSize = 1000, int timeoutSeconds = 1) => new(
        Keys.Select(k => KeyValuePair.Create(k.Key, (string?)k.Value))
            .Concat(ComplianceSettings.Select(s => KeyValuePair.Create("Syndication:Newsletter:" + s.Key, (string?)s.Value))))
    {
        ["Syndication:Newsletter:SendGridApiKey"] = ApiKey,
        ["Syndication:Newsletter:SendGridHost"] = Server.BaseUrl.AbsoluteUri.TrimEnd('/'),
        ["Syndication:Newsletter:RequestTimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Syndication:Newsletter:RetryBackoffMilliseconds"] = "20",
        ["Syndication:Newsletter:MaxRetryAfterSeconds"] = "5",
        ["Syndication:Newsletter:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Method != "POST" || context.Request.Path != "/v3/mail/send")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var number = Interlocked.Increment(ref _requests);
        if (context.Request.Headers.Authorization != $"Bearer {ApiKey}")
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("""{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked"}]}""");
            return;
        }

        var arrived = _clock.Elapsed;
        OnRequest?.Invoke(number);
        var fault = _faults.TryDequeue(out var queued) ? queued : SendGridFault.None;
        switch (fault)
        {
            case SendGridFault.TooManyRequests:
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                Log.Enqueue(new MailRequestRecord(number, fault, arrived, _clock.Elapsed, 0));
                await context.Response.WriteAsync("""{"errors":[{"message":"too many requests"}]}""");
                return;
            case SendGridFault.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                Log.Enqueue(new MailRequestRecord(number, fault, arrived, _clock.Elapsed, 0));
                await context.Response.WriteAsync("""{"errors":[{"message":"internal error"}]}""");
                return;
            case SendGridFault.TooLarge:
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                Log.Enqueue(new MailRequestRecord(number, fault, arrived, _clock.Elapsed, 0));
                await context.Response.WriteAsync("""{"errors":[{"message":"payload too large"}]}""");
                return;
            case SendGridFault.Hang:
                Log.Enqueue(new MailRequestRecord(number, fault, arrived, _clock.Elapsed, 0));
                _hung.TrySetResult(number);
                await HangAsync(context);
                return;
        }

        var delivered = await DeliverAsync(context.Request.Body);
        Log.Enqueue(new MailRequestRecord(number, fault, arrived, _clock.Elapsed, delivered));
        if (fault == SendGridFault.AcceptThenHang)
        {
            _hung.TrySetResult(number);
            await HangAsync(context);
            return;
        }

        if (fault == SendGridFault.AcceptThenTimeout)
        {
            await Task.Delay(TimeoutDelay);
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.Headers["X-Message-Id"] = $"loopback-{number}";
        if (OnAccepted is { } accepted)
        {
            context.Response.OnCompleted(() =>
            {
                accepted(number);
                return Task.CompletedTask;
            });
        }
    }

    /// <summary>Holds the request open until the client goes away (or the server stops).</summary>
    private static async Task HangAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client (or the process it was) is gone.
        }
    }

    /// <summary>Personalizations received in all requests that were answered 202 or timed out after delivery.</summary>
    public long DeliveredCount => Interlocked.Read(ref _deliveredCount);

    private long _deliveredCount;

    /// <summary>Only counts (no record of who got what), so a run of 100,000 measures the sender, not this fake.</summary>
    public bool CountOnly { get; init; }

    public static async Task<FakeSendGrid> StartCountingAsync()
    {
        var fake = new FakeSendGrid { RecordContent = false, CountOnly = true };
        fake.Server = await LoopbackServer.StartAsync(fake.HandleAsync, recordRequests: false);
        return fake;
    }

    /// <returns>The number of personalizations delivered.</returns>
    private async Task<int> DeliverAsync(Stream body)
    {
        using var document = await JsonDocument.ParseAsync(body);
        var root = document.RootElement;
        if (CountOnly)
        {
            var count = root.GetProperty("personalizations").GetArrayLength();
            Personalizations.Enqueue(count);
            Interlocked.Add(ref _deliveredCount, count);
            return count;
        }

        var subject = root.GetProperty("subject").GetString()!;
        string text = "", html = "";
        foreach (var content in root.GetProperty("content").EnumerateArray())
        {
            if (content.GetProperty("type").GetString() == "text/plain")
            {
                text = content.GetProperty("value").GetString()!;
            }
            else
            {
                html = content.GetProperty("value").GetString()!;
            }
        }

        var personalizations = root.GetProperty("personalizations");
        Personalizations.Enqueue(personalizations.GetArrayLength());
        var index = 0;
        foreach (var p in personalizations.EnumerateArray())
        {
            var args = Strings(p, "custom_args");
            var personalHtml = html;
            var personalText = text;

            // The bodies of the first few of each request are kept whole, to read as a recipient would.
            var keep = RecordContent && index++ < 3;
            if (keep)
            {
                foreach (var (tag, value) in Strings(p, "substitutions"))
                {
                    personalHtml = personalHtml.Replace(tag, value, StringComparison.Ordinal);
                    personalText = personalText.Replace(tag, value, StringComparison.Ordinal);
                }
            }

            Delivered.Enqueue(new DeliveredMail(
                p.GetProperty("to")[0].GetProperty("email").GetString()!,
                args.GetValueOrDefault("subscriber", ""),
                args.GetValueOrDefault("issue", ""),
                subject,
                keep ? personalHtml : "",
                keep ? personalText : "",
                Strings(p, "headers"),
                args));
        }

        return personalizations.GetArrayLength();
    }

    private static Dictionary<string, string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetString() ?? "", StringComparer.Ordinal)
            : [];

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
