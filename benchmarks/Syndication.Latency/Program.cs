using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Syndication.Adapters.Storage;
using Syndication.DevTools;
using Syndication.Functions;
using Syndication.Functions.Functions;
using Syndication.Pipeline;

// Publishing latency, from a drop's BlobCreated event to its public feeds written and the WebSub
// hub pinged, measured against a local Azurite by driving the Functions app's classes as the host
// would: the drop's event to IngestDroppedFile, then the event of the article it wrote to
// PublishArticleChanges. Each drop is its own task, as Event Grid deliveries land on instances of
// their own; the only thing shared is storage (and this process's connection pool).
//
//   dotnet run -c Release --project benchmarks/Syndication.Latency -- [idle drops] [burst drops] [burst seconds] [window seconds]
//
// Defaults: 20 idle drops (each after the last one's build session has ended), then 1,000 drops
// spread evenly over 60 seconds, with the default coalescing window of 10 seconds.
var idleDrops = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var burstDrops = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
var burstSeconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 60;
var windowSeconds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;

await using var azurite = await Azurite.StartOnFreePortsAsync(Azurite.FindRepositoryRoot());
using var hub = new LoopbackHub();
var builds = new BuildLog();
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    [StorageSettings.ConnectionSetting] = azurite.ConnectionString,
    ["SweepSchedule"] = "0 */5 * * * *",
    ["FeedsSchedule"] = "30 */5 * * * *",
    ["UpstreamSchedule"] = "15 */5 * * * *",
    ["StatusSchedule"] = "45 */10 * * * *",
    ["TrendingSchedule"] = "45 */5 * * * *",
    ["NewsletterSchedule"] = "45 */5 * * * *",
    ["Syndication:Feeds:HubUrl"] = hub.Url,
    ["Syndication:Feeds:CoalesceSeconds"] = windowSeconds.ToString(CultureInfo.InvariantCulture),
}).Build();
var services = new ServiceCollection();
services.AddLogging(logging => logging.AddProvider(builds).SetMinimumLevel(LogLevel.Information));
SyndicationApp.ConfigureServices(services, configuration);
await using var provider = services.BuildServiceProvider();
var ingest = ActivatorUtilities.CreateInstance<IngestDroppedFile>(provider);
var publish = ActivatorUtilities.CreateInstance<PublishArticleChanges>(provider);
var account = provider.GetRequiredService<StorageAccount>();
var dropZone = provider.GetRequiredService<DropZone>();
await account.EnsureLayoutAsync(CancellationToken.None);
Console.WriteLine($"Azurite on 127.0.0.1:{azurite.BlobPort}/{azurite.TablePort}; WebSub hub {hub.Url}; coalescing window {windowSeconds} s");

var clock = Stopwatch.StartNew();
var serial = 0;
var failures = 0;

// One drop as the host sees it: the upload (the drop itself), its event, the ingest function, the
// article's event, the publish function (which returns when its build session, if it got the
// lease, has ended).
async Task<Drop> DeliverAsync()
{
    var n = Interlocked.Increment(ref serial);
    var name = $"story-{n:D5}.md";
    await dropZone.DropAsync(name, BinaryData.FromBytes(Story(n)), CancellationToken.None);
    var evented = clock.Elapsed;
    await ingest.Run(account.Container(StorageNames.IncomingContainer).GetBlobClient(name), name, CancellationToken.None);
    var ingested = clock.Elapsed;
    try
    {
        await publish.Run(account.Container(StorageNames.ArticlesContainer).GetBlobClient(name), name, CancellationToken.None);
    }
    catch (Exception ex)
    {
        // The host logs a failed invocation and retries it; here it is counted, and the timer's
        // safety net is not run: a change it leaves shows as unbuilt below.
        Interlocked.Increment(ref failures);
        Console.WriteLine($"  {name}: the publish function failed: {ex.GetType().Name}: {ex.Message}");
    }

    return new Drop(name, evented, ingested);
}

// Idle: each drop after the previous one's session has ended.
var idle = new List<Drop>();
builds.Clock = clock;
for (var i = 0; i < idleDrops; i++)
{
    idle.Add(await DeliverAsync());
}

var idleBuilds = builds.Published.ToList();
Report("idle", idle, idleBuilds, requests: null);
Console.WriteLine($"  WebSub pings (one per feed file a build changed): {hub.Pings:N0}, {(double)hub.Pings / Math.Max(1, idleBuilds.Count):F1} per build");
if (burstDrops == 0)
{
    return 0;
}


// Burst: drops spread evenly over the burst's seconds, each delivered in its own task.
var requestsBefore = account.Counter.Total;
var burstStart = clock.Elapsed;
var tasks = new List<Task<Drop>>(burstDrops);
for (var i = 0; i < burstDrops; i++)
{
    var due = burstStart + TimeSpan.FromSeconds(burstSeconds * i / burstDrops);
    var wait = due - clock.Elapsed;
    if (wait > TimeSpan.Zero)
    {
        await Task.Delay(wait);
    }

    tasks.Add(Task.Run(DeliverAsync));
}

var burst = (await Task.WhenAll(tasks)).ToList();
var burstBuilds = builds.Published.Where(b => b.Started >= burstStart).ToList();
var pending = await provider.GetRequiredService<ArticleIndex>().HasPendingAsync(CancellationToken.None);
Report($"burst of {burstDrops:N0} over {burstSeconds:N0} s", burst, burstBuilds, account.Counter.Total - requestsBefore);
Console.WriteLine($"  build sessions (runs of the feeds stage) in the burst: {builds.Sessions(burstStart)}; WebSub pings: {hub.Pings:N0}; changes left unbuilt: {(pending ? "some (FAILED)" : "none")}; failed invocations: {failures}");
return pending ? 1 : 0;

void Report(string label, List<Drop> drops, List<Build> published, long? requests)
{
    // A drop's change is built by the first build that began after its ingest ended, or by an
    // earlier one that was still reading the queue: the first is an upper bound, used here.
    Build? BuildOf(Drop d) => published.FirstOrDefault(b => b.Started >= d.Ingested) ?? published.FirstOrDefault(b => b.Ended >= d.Ingested);

    // Never published: infinite, counted against the percentiles.
    var latencies = drops.Select(d => BuildOf(d) is { } build ? (build.Ended - d.Evented).TotalSeconds : double.PositiveInfinity).Order().ToList();
    var afterIngest = drops.Select(d => BuildOf(d) is { } build ? (build.Ended - d.Ingested).TotalSeconds : double.PositiveInfinity).Order().ToList();
    double Percentile(double p) => latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Count) - 1, 0, latencies.Count - 1)];
    double PercentileAfterIngest(double p) => afterIngest[Math.Clamp((int)Math.Ceiling(p * afterIngest.Count) - 1, 0, afterIngest.Count - 1)];
    var ingest = drops.Select(d => (d.Ingested - d.Evented).TotalSeconds).Order().ElementAt(drops.Count / 2);
    var cost = requests is { } r ? string.Create(CultureInfo.InvariantCulture, $"; {r:N0} storage requests, {(double)r / drops.Count:F1} per drop (the drop's upload included)") : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label}: {drops.Count} drops, {published.Count} feed builds; event -> feeds written and hub pinged: p50 {Percentile(0.50):F1} s, p95 {Percentile(0.95):F1} s, max {latencies[^1]:F1} s; ingest (event -> article stored) p50 {ingest:F2} s; article stored -> feeds: p50 {PercentileAfterIngest(0.50):F1} s, p95 {PercentileAfterIngest(0.95):F1} s{cost}; load average {File.ReadAllText("/proc/loadavg")[..14]}"));
}

static byte[] Story(int n)
{
    string[] syllables = ["ka", "lo", "mi", "ru", "ten", "vas", "qui", "dor", "pel", "zan", "bri", "sto", "gul", "hex", "wen", "yor"];
    string[] editions = ["india", "us", "uk", "africa", "asia-pacific", "europe"];
    string[] sectors = ["economy", "health", "science-technology", "environment", "energy", "agriculture", "education", "governance"];
    var random = new Random(n);
    string Word() => string.Concat(Enumerable.Range(0, 3).Select(_ => syllables[random.Next(syllables.Length)]));
    var created = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"""
        ---
        uri: "urn:bench:publishing:{n}"
        headline: "Story {n}: {Word()} {Word()} {Word()} {Word()}"
        created: {created}
        editions: [{editions[n % editions.Length]}]
        sectors: [{sectors[n % sectors.Length]}, {sectors[(n / 3) % sectors.Length]}]
        ---
        {string.Join(' ', Enumerable.Range(0, 120).Select(_ => Word()))}.
        """));
}

internal sealed record Drop(string Name, TimeSpan Evented, TimeSpan Ingested);

internal sealed record Build(TimeSpan Started, TimeSpan Ended);

/// <summary>The feed builds, from <c>FeedPublishing</c>'s log lines: when each began and when it had published (hub pinged).</summary>
internal sealed class BuildLog : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<Build> _published = new();
    private readonly ConcurrentQueue<TimeSpan> _sessions = new();
    private TimeSpan _started;

    public Stopwatch Clock { get; set; } = Stopwatch.StartNew();

    public IEnumerable<Build> Published => _published;

    public int Sessions(TimeSpan since) => _sessions.Count(s => s >= since);

    public ILogger CreateLogger(string categoryName) => categoryName == typeof(FeedPublishing).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        var now = Clock.Elapsed;
        if (message.EndsWith(" started", StringComparison.Ordinal))
        {
            // Builds never overlap (the lease), so the last start belongs to the next "published".
            _started = now;
            if (message == "Feed build 1 started")
            {
                _sessions.Enqueue(now);
            }
        }
        else if (message.Contains(" published: ", StringComparison.Ordinal))
        {
            _published.Enqueue(new Build(_started, now));
        }
    }

    public void Dispose()
    {
    }
}

/// <summary>A WebSub hub on 127.0.0.1 that answers every ping 204 and counts them.</summary>
internal sealed class LoopbackHub : IDisposable
{
    private readonly HttpListener _listener = new();
    private int _pings;

    public LoopbackHub()
    {
        var port = Azurite.FreePort();
        Url = $"http://127.0.0.1:{port}/hub/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public int Pings => Volatile.Read(ref _pings);

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _pings);
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }
}
