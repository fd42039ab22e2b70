using System.Globalization;
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

    /// <summary>304: nothing new since the validators we sent.</summary>
    public sealed record NotModified : FetchResult;

    /// <summary>200 with a body within the size cap, and the validators for the next poll.</summary>
    public sealed record Fetched(byte[] Body, string? ContentType, string? ETag, string? LastModified, Uri FinalUrl) : FetchResult;

    /// <summary>No usable answer. <paramref name="RetryAfter"/> is the server's own wish (429/503), when it said one.</summary>
    public sealed record Failed(string Reason, int? Status, TimeSpan? RetryAfter) : FetchResult;
}

/// <summary>
/// Fetches agency feeds the way a polite, careful client does: conditional GET with the stored
/// ETag and Last-Modified, a whole-request timeout, a size cap enforced while reading, a bounded
/// number of redirects followed by hand (each hop checked), Retry-After honoured, and no
/// connections to loopback, private or link-local addresses unless allowed (checked on the
/// resolved address, so DNS cannot smuggle one in).
/// </summary>
public sealed class UpstreamFetcher : IDisposable
{
    private readonly HttpClient _http;
    private readonly UpstreamOptions _options;

    public UpstreamFetcher(UpstreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        var handler = new SocketsHttpHandler
        {
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
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        try
        {
            var current = url;
            for (var hop = 0; ; hop++)
            {
                if (current.Scheme is not ("http" or "https"))
                {
                    return new FetchResult.Failed($"Redirected to a {current.Scheme}: URL, which is not fetched.", null, null);
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag))
                {
                    request.Headers.IfNoneMatch.Add(tag);
                }

                if (lastModified is not null && DateTimeOffset.TryParse(lastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
                {
                    request.Headers.IfModifiedSince = since;
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
                    return new FetchResult.NotModified();
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
                    response.Headers.ETag?.ToString(),
                    response.Content.Headers.LastModified?.ToString("R", CultureInfo.InvariantCulture),
                    current);
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

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var allowed = _options.AllowPrivateNetworks ? addresses : addresses.Where(a => !IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves only to loopback, private or link-local addresses, which polls may not reach.");
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

    /// <summary>Loopback, private (RFC 1918, unique local), link-local, CGNAT and unspecified addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127)
            || b[0] == 0
            || b[0] >= 224;
    }
}
