using System.Diagnostics;
using System.Text;
using Syndication.DevTools;

namespace Syndication.Tests.Infrastructure;

/// <summary>
/// One Azurite for the whole test run, on ports the OS picks (so a busy 10000 or a parallel run
/// does not matter), with many storage accounts so that every test gets storage of its own.
/// </summary>
internal static class LocalStorage
{
    private const int Accounts = 200;
    private static readonly string Key = Convert.ToBase64String(Encoding.ASCII.GetBytes("syndication-tests-account-key-32"));
    private static readonly Lazy<Task<Azurite>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _nextAccount;

    /// <summary>A connection string to a fresh, empty storage account of the shared Azurite.</summary>
    public static async Task<TestAccount> NewAccountAsync()
    {
        var azurite = await Instance.Value;
        var n = Interlocked.Increment(ref _nextAccount);
        if (n > Accounts)
        {
            throw new InvalidOperationException($"More than {Accounts} test storage accounts asked for; raise LocalStorage.Accounts.");
        }

        var name = $"test{n}";
        return new TestAccount(
            name,
            $"DefaultEndpointsProtocol=http;AccountName={name};AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{azurite.BlobPort}/{name};" +
            $"QueueEndpoint=http://127.0.0.1:{azurite.QueuePort}/{name};" +
            $"TableEndpoint=http://127.0.0.1:{azurite.TablePort}/{name};",
            new Uri($"http://127.0.0.1:{azurite.BlobPort}/{name}/"));
    }

    private static async Task<Azurite> StartAsync()
    {
        // Azurite reads its accounts from the environment of the process it starts in.
        Environment.SetEnvironmentVariable(
            "AZURITE_ACCOUNTS",
            string.Join(';', Enumerable.Range(1, Accounts).Select(n => $"test{n}:{Key}")) + $";devstoreaccount1:{Azurite.DevelopmentAccountKey}");
        var started = Stopwatch.StartNew();
        var azurite = await Azurite.StartOnFreePortsAsync(Repository.Root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine($"Azurite started on 127.0.0.1:{azurite.BlobPort}/{azurite.TablePort} in {started.ElapsedMilliseconds} ms");
        return azurite;
    }
}

/// <param name="BlobBaseUrl">Where the account's containers are served, for plain HTTP requests as a feed reader makes them.</param>
internal sealed record TestAccount(string Name, string ConnectionString, Uri BlobBaseUrl);
