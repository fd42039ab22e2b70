using System.Net;

namespace Syndication.Http;

/// <summary>
/// The client's address for rate limits, as the platform saw it. Front ends append the address they
/// were connected from to <c>X-Forwarded-For</c>; whatever comes before those hops the client
/// wrote itself and could rotate at will, so only the hop the platform's first front end appended
/// counts: with <c>trustedHops</c> = 1 (App Service, Flex Consumption) the last one, with 2 (Front
/// Door, then App Service) the one before it.
/// </summary>
public static class ClientAddress
{
    /// <param name="forwardedFor">Every <c>X-Forwarded-For</c> header value, in order.</param>
    /// <param name="trustedHops">How many hops at the end the platform appended; 0: no proxy, the connection's address.</param>
    /// <param name="connection">The address of the connection, used without a proxy or when the header has fewer hops than the platform appends.</param>
    public static string? From(IEnumerable<string?> forwardedFor, int trustedHops, IPAddress? connection)
    {
        ArgumentNullException.ThrowIfNull(forwardedFor);
        if (trustedHops <= 0)
        {
            return connection?.ToString();
        }

        var hops = forwardedFor
            .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        return hops.Count >= trustedHops ? Normalize(hops[^trustedHops]) : connection?.ToString();
    }

    /// <summary>An address without the port App Service adds (<c>203.0.113.7:51234</c>, <c>[2001:db8::1]:443</c>), in its canonical form.</summary>
    private static string Normalize(string hop) =>
        IPEndPoint.TryParse(hop, out var endpoint) ? endpoint.Address.ToString() : hop;
}
