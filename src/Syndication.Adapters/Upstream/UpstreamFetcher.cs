using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Syndication.Core.Catalog;

namespace Syndication.Adapters.Upstream;

/// <summary>What a poll found.</summary>
public abstract record FetchResult
{
    private FetchResult()
    {
    }

    /// <summary>304: nothing new since the validators we sent. <paramref name="FreshFor"/>: how long the server says it stays fresh (<c>Cache-Control: max-age</c>, <c>Expires</c>).</summary>
    public sealed record NotModified(TimeSpan? FreshFor = null) : FetchResult;

    /// <summary>
    /// 200 with a body within the size cap, and the validators for the next poll exactly as the
    /// server sent them. <paramref name="FreshFor"/>: how long the server says it stays fresh.
    /// </summary>
    public sealed record Fetched(byte[] Body, string? ContentType, string? ETag, string? LastModified, Uri FinalUrl, TimeSpan? FreshFor = null) : FetchResult;

    /// <summary>No usable answer. <paramref name="RetryAfter"/> is the server's own wish (429/503), when it said one.</summary>
    public sealed record Failed(string Reason, int? Status, TimeSpan? RetryAfter) : FetchResult;
}

/// <summary>
/// Fetches agency feeds the way a polite, careful client does: conditional GET with the stored
/// ETag and Last-Modified sent back exactly as received, one request at a time per host with a
/// gap between them, a whole-request timeout, a size cap enforced while reading, a bounded number
/// of redirects followed by hand (each hop checked), Retry-After and the server's freshness
/// reported, no proxy, and connections only to public unicast addresses unless private networks
/// are allowed (<see cref="OutboundAddresses"/>: checked on the resolved address of every
/// connection, redirects included, so DNS cannot smuggle one in).
/// </summary>
public sealed class UpstreamFetcher : IDisposable
{
    /// <summary>Validators longer than this are not kept: no real ETag or date is anywhere near.</summary>
    public const int MaxValidatorLength = 1024;

    private readonly HttpClient _http;
    private readonly UpstreamOptions _options;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, HostTurns> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="resolve">Resolves a host name (tests inject one; default: the system's DNS).</param>
    /// <param name="time">The clock a Retry-After date is measured from (default: the system's).</param>
    public UpstreamFetcher(UpstreamOptions options, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
        _time = time ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            // A proxy would make the connection (and choose the address) for us: polls go direct, to checked addresses.
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(10, options.TimeoutSeconds)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),

            // A response given up on (over the cap, or refused on its Content-Length) is not drained
            // to save its connection: by default up to 1 MB more would be read, past the cap, in the
            // background, while the next feed's request is already out.
            MaxResponseDrainSize = 0,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1");
    }

    public async Task<FetchResult> FetchAsync(Uri url, string? etag, string? lastModified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = false;
        try
        {
            var current = url;
            for (var hop = 0; ; hop++)
            {
                if (current.Scheme is not ("http" or "https"))
                {
                    return new FetchResult.Failed($"Redirected to a {current.Scheme}: URL, which is not fetched.", null, null);
                }

                // Waiting for the host's turn is not the request's time; from the first turn on, the timeout runs.
                using var turn = await EnterAsync(current, started ? timeout.Token : cancellationToken);
                if (!started)
                {
                    started = true;
                    timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, current);

                // Validators go back byte for byte as the server sent them: a server compares them as strings.
                if (IsSendable(etag))
                {
                    request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                }

                if (IsSendable(lastModified))
                {
                    request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
                }

                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && status != 304)
                {
                    if (response.Headers.Location is not { } location)
                    {
                        return new FetchResult.Failed($"HTTP {status} without a Location header.", status, null);
                    }

                    if (hop >= _options.MaxRedirects)
                    {
                        return new FetchResult.Failed($"More than {_options.MaxRedirects} redirects (last to {location}).", status, null);
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    return new FetchResult.NotModified(FreshFor(response));
                }

                if (!response.IsSuccessStatusCode)
                {
                    return new FetchResult.Failed($"HTTP {status} {response.ReasonPhrase}.", status, RetryAfter(response));
                }

                if (response.Content.Headers.ContentLength is { } declared && declared > _options.MaxBytes)
                {
                    return new FetchResult.Failed($"The feed declares {declared:N0} bytes, over the limit of {_options.MaxBytes:N0}.", status, null);
                }

                var body = await ReadCappedAsync(response.Content, _options.MaxBytes, timeout.Token);
                if (body is null)
                {
                    return new FetchResult.Failed($"The feed sent more than the limit of {_options.MaxBytes:N0} bytes.", status, null);
                }

                return new FetchResult.Fetched(
                    body,
                    response.Content.Headers.ContentType?.ToString(),
                    Raw(response.Headers.NonValidated, "ETag"),
                    Raw(response.Content.Headers.NonValidated, "Last-Modified"),
                    current,
                    FreshFor(response));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FetchResult.Failed($"No complete answer within {_options.TimeoutSeconds} seconds.", null, null);
        }
        catch (HttpRequestException ex)
        {
            return new FetchResult.Failed($"Could not fetch: {ex.Message}", null, null);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A header's value exactly as received (one value; none when repeated, empty, too long or not sendable back).</summary>
    private static string? Raw(HttpHeadersNonValidated headers, string name) =>
        headers.TryGetValues(name, out var values) && values.Count == 1 && values.First() is var value && IsSendable(value) ? value : null;

    /// <summary>A validator we can send back as it came: not empty, not huge, no control characters (no header injection).</summary>
    private static bool IsSendable([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= MaxValidatorLength } && !value.Any(char.IsControl) && value.Trim().Length > 0;

    /// <summary>
    /// How long the server says the answer stays fresh: <c>Cache-Control: max-age</c> (none with
    /// <c>no-cache</c> or <c>no-store</c>), else <c>Expires</c> against the server's <c>Date</c> (or ours).
    /// </summary>
    private static TimeSpan? FreshFor(HttpResponseMessage response)
    {
        if (response.Headers.CacheControl is { } cache)
        {
            if (cache.NoCache || cache.NoStore)
            {
                return null;
            }

            if (cache.MaxAge is { } maxAge)
            {
                return maxAge;
            }
        }

        if (response.Content.Headers.Expires is { } expires)
        {
            var wait = expires - (response.Headers.Date ?? DateTimeOffset.UtcNow);
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Waits for the host's turn: one request at a time per host, and the configured gap after the previous one ended.</summary>
    private async Task<IDisposable> EnterAsync(Uri url, CancellationToken cancellationToken)
    {
        var host = _hosts.GetOrAdd(url.IdnHost, _ => new HostTurns());
        await host.Lock.WaitAsync(cancellationToken);
        try
        {
            var gap = TimeSpan.FromMilliseconds(_options.HostGapMilliseconds);
            if (host.LastEnded is { } ended && Stopwatch.GetElapsedTime(ended) is var since && since < gap)
            {
                await Task.Delay(gap - since, cancellationToken);
            }

            return host;
        }
        catch
        {
            host.Lock.Release();
            throw;
        }
    }

    private sealed class HostTurns : IDisposable
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public long? LastEnded { get; private set; }

        /// <summary>Ends the turn: the response is read and disposed.</summary>
        public void Dispose()
        {
            LastEnded = Stopwatch.GetTimestamp();
            Lock.Release();
        }
    }

    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The server's Retry-After as received (not .NET's typed reading, which drops what it cannot parse), read by the core's one parser.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) =>
        Syndication.Core.Time.RetryAfter.Parse(response.Headers.NonValidated.TryGetValues("Retry-After", out var values) ? values.FirstOrDefault() : null, _time.GetUtcNow());

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _resolve(host, cancellationToken);
        var refusals = addresses.Select(a => OutboundAddresses.Refusal(a, _options.AllowPrivateNetworks)).ToArray();
        var allowed = addresses.Where((_, i) => refusals[i] is null).ToArray();
        if (allowed.Length == 0)
        {
            var reasons = refusals.OfType<string>().ToList();
            throw new HttpRequestException(reasons.Count == 0
                ? $"{host} resolves to no address."
                : $"{host} resolves only to addresses polls may not reach: {string.Join("; ", reasons)}.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
