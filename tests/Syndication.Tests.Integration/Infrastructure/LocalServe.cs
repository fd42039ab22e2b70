using System.Net;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Syndication.Adapters.Storage;
using Syndication.Cli;

namespace Syndication.Tests.Infrastructure;

/// <summary>
/// <c>syndication serve</c> in this process on a free port and a fresh storage account: the HTTP
/// functions' routes through the same handlers as the Functions app, with emails in the
/// <c>outbox</c> container (no SendGrid key unless the settings give one).
/// </summary>
internal sealed class LocalServe : IAsyncDisposable
{
    private readonly StringWriter _output;
    private readonly TextWriter _synchronized;

    private LocalServe(ServeHost host, TestAccount account, StringWriter output, TextWriter synchronized)
    {
        Host = host;
        Account = account;
        _output = output;
        _synchronized = synchronized;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    }

    public ServeHost Host { get; }

    public TestAccount Account { get; }

    /// <summary>A client that follows no redirect and keeps no cookie, as a link scanner or a mail program.</summary>
    public HttpClient Http { get; }

    /// <summary>What <c>serve</c> printed: the welcome lines, then one line per request.</summary>
    public string Output
    {
        get
        {
            // TextWriter.Synchronized locks on the wrapper: taking the same lock reads between writes.
            lock (_synchronized)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts serving. Settings win over the environment's; <c>Syndication:Newsletter:PublicBaseUrl</c>
    /// is the server's own unless given.
    /// </summary>
    public static async Task<LocalServe> StartAsync(IDictionary<string, string?>? settings = null, TestAccount? account = null)
    {
        account ??= await LocalStorage.NewAccountAsync();
        var all = new Dictionary<string, string?> { ["Syndication:Newsletter:OutboxFolder"] = "" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        var host = await ServeHost.StartAsync(account.ConnectionString, synchronized, all);
        return new LocalServe(host, account, output, synchronized);
    }

    public Uri Url(string path) => Host.Url(path);

    public T Get<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();

    public async Task<HttpResponseMessage> PostFormAsync(Uri url, IEnumerable<KeyValuePair<string, string>> fields, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Signs up through the form as a browser posts it.</summary>
    public Task<HttpResponseMessage> SubscribeAsync(string email, string edition = "india", string? forwardedFor = null, params string[] sectors) =>
        PostFormAsync(
            Url("newsletter/subscribe"),
            [new("email", email), new("edition", edition), new("cadence", "daily"), .. sectors.Select(s => new KeyValuePair<string, string>("sectors", s))],
            forwardedFor);

    /// <summary>
    /// An email of the outbox, once it is there: sign-ups answer first and send after, so a
    /// confirmation arrives a moment after the page that announces it.
    /// </summary>
    public async Task<string> WaitForEmailAsync(string name)
    {
        var blob = new BlobClient(Account.ConnectionString, StorageNames.OutboxContainer, name);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                return (await blob.DownloadContentAsync()).Value.Content.ToString();
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"No email {name} in the outbox after 30 seconds.");
    }

    /// <summary>Waits until serve has printed a line containing <paramref name="text"/> (requests are printed once their work is done).</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return Output;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"serve did not print '{text}' in 30 seconds:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
