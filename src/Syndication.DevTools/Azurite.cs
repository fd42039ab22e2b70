using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Syndication.DevTools;

/// <summary>
/// A local Azurite (the Azure Storage emulator) from the npm package pinned in the repository's
/// <c>package.json</c>: in memory, API version check off, on the ports asked for.
/// Used by the CLI (when development storage is asked for and nothing listens) and by the tests.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>The emulator's well-known development account key (public, documented by Microsoft; not a secret).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public const int DefaultBlobPort = 10000;
    public const int DefaultQueuePort = 10001;
    public const int DefaultTablePort = 10002;

    private readonly Process? _process;

    private Azurite(Process? process, int? processId, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        ProcessId = processId;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>The emulator's process, also when it was started detached and is not stopped by <see cref="DisposeAsync"/>.</summary>
    public int? ProcessId { get; }

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>True for <c>UseDevelopmentStorage=true</c> and for explicit strings that point at the default local ports.</summary>
    public static bool IsDevelopmentStorage(string connectionString) =>
        connectionString.Replace(" ", "", StringComparison.Ordinal).Equals("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A port nobody listens on right now, chosen by the OS.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts Azurite on free ports, tied to this object: disposing stops it. For tests.
    /// </summary>
    public static Task<Azurite> StartOnFreePortsAsync(string? repositoryRoot = null, CancellationToken cancellationToken = default) =>
        StartAsync(FreePort(), FreePort(), FreePort(), detached: false, repositoryRoot, log: null, cancellationToken);

    /// <summary>
    /// Starts Azurite. Detached, it outlives this process (the CLI leaves it running so feed URLs
    /// stay readable) and writes its output to <c>.azurite/azurite.log</c> in the repository.
    /// Installs the pinned npm package first (<c>npm ci</c>) when it is missing.
    /// </summary>
    /// <param name="location">A folder to keep the data in, so it survives a restart (fault tests); null keeps it in memory.</param>
    public static async Task<Azurite> StartAsync(
        int blobPort, int queuePort, int tablePort, bool detached, string? repositoryRoot, Action<string>? log, CancellationToken cancellationToken, string? location = null)
    {
        var root = repositoryRoot ?? FindRepositoryRoot()
            ?? throw new InvalidOperationException("Cannot find the repository's package.json (which pins Azurite). Run from inside the Syndication checkout, or pass --storage.");
        var entry = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
        {
            log?.Invoke("Installing the pinned Azurite from package.json (npm ci) ...");
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], root, cancellationToken);
        }

        string[] arguments =
        [
            entry, .. (location is null ? ["--inMemoryPersistence"] : new[] { "--location", location }), "--skipApiVersionCheck", "--disableTelemetry", "--silent", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{tablePort}",
        ];

        var start = new ProcessStartInfo { WorkingDirectory = root, UseShellExecute = false };
        if (detached && !OperatingSystem.IsWindows())
        {
            var logDirectory = Directory.CreateDirectory(Path.Combine(root, ".azurite")).FullName;
            start.FileName = "/bin/sh";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec node \"$@\" > \"$SYNDICATION_AZURITE_LOG\" 2>&1 < /dev/null");
            start.ArgumentList.Add("azurite");
            start.Environment["SYNDICATION_AZURITE_LOG"] = Path.Combine(logDirectory, "azurite.log");
        }
        else
        {
            start.FileName = "node";
            start.RedirectStandardOutput = !detached;
            start.RedirectStandardError = !detached;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        if (start.RedirectStandardOutput)
        {
            // Drain the pipes so Azurite never blocks on a full buffer.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        var azurite = new Azurite(detached ? null : process, process.Id, blobPort, queuePort, tablePort);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(IsListening(blobPort) && IsListening(tablePort)))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited at start with code {process.ExitCode}; are ports {blobPort}-{tablePort} free?");
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                await azurite.DisposeAsync();
                throw new TimeoutException($"Azurite did not listen on ports {blobPort} and {tablePort} within 60 seconds.");
            }

            await Task.Delay(100, cancellationToken);
        }

        return azurite;
    }

    /// <summary>The folder holding <c>package.json</c> and <c>Syndication.sln</c>, searched upwards from here and from the program.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "Syndication.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Stops the emulator as a service stops: SIGTERM, so it closes its listeners and saves what it
    /// holds to disk (it saves every 5 s otherwise, and a kill loses the writes since, which real
    /// storage never does once it has answered). Killed if it has not exited within 30 s.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (term is not null)
            {
                await term.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(patience.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Did not stop: killed below.
            }
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static async Task RunAsync(string fileName, string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}.");
        }
    }
}
