using System.Net;
using System.Net.Sockets;

namespace Syndication.Adapters.Upstream;

/// <summary>
/// Which addresses an upstream poll may connect to: public unicast only. Everything else (loopback,
/// private, link-local, shared, benchmarking, documentation, multicast, reserved, and the IPv6 forms
/// that carry an IPv4 address inside: mapped, compatible, NAT64, 6to4) is refused, unless private
/// networks are allowed (tests, local runs). The cloud platform's own addresses (instance metadata
/// 169.254.169.254, Azure's host endpoint 168.63.129.16), plain or inside an IPv6 form, are refused always.
/// </summary>
public static class OutboundAddresses
{
    private static readonly IPAddress[] PlatformAddresses = [IPAddress.Parse("169.254.169.254"), IPAddress.Parse("168.63.129.16")];

    /// <summary>Why a poll may not connect to <paramref name="address"/>; null when it may.</summary>
    public static string? Refusal(IPAddress address, bool allowPrivateNetworks)
    {
        ArgumentNullException.ThrowIfNull(address);
        var embedded = EmbeddedIPv4(address);
        if (embedded is not null && PlatformAddresses.Contains(embedded))
        {
            return $"{address} is the cloud platform's own address {embedded} (instance metadata or host endpoint), never polled";
        }

        if (allowPrivateNetworks)
        {
            return null;
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IPv4Refusal(address),
            AddressFamily.InterNetworkV6 => IPv6Refusal(address, embedded),
            _ => $"{address} is not an IP address polls connect to",
        };
    }

    /// <summary>True for public unicast addresses, the only ones production polls reach.</summary>
    public static bool IsPublicUnicast(IPAddress address) => Refusal(address, allowPrivateNetworks: false) is null;

    private static string? IPv4Refusal(IPAddress address)
    {
        var b = address.GetAddressBytes();
        var kind = (b[0], b[1], b[2]) switch
        {
            (0, _, _) => "'this network' (0.0.0.0/8)",
            (10, _, _) => "private (10.0.0.0/8)",
            (100, >= 64 and <= 127, _) => "shared carrier-grade NAT (100.64.0.0/10)",
            (127, _, _) => "loopback (127.0.0.0/8)",
            (169, 254, _) => "link-local (169.254.0.0/16)",
            (172, >= 16 and <= 31, _) => "private (172.16.0.0/12)",
            (192, 0, 0) => "IETF protocol assignments (192.0.0.0/24)",
            (192, 0, 2) => "documentation (192.0.2.0/24)",
            (192, 88, 99) => "6to4 relay anycast (192.88.99.0/24)",
            (192, 168, _) => "private (192.168.0.0/16)",
            (198, 18 or 19, _) => "benchmarking (198.18.0.0/15)",
            (198, 51, 100) => "documentation (198.51.100.0/24)",
            (203, 0, 113) => "documentation (203.0.113.0/24)",
            ( >= 224 and <= 239, _, _) => "multicast (224.0.0.0/4)",
            ( >= 240, _, _) => "reserved or broadcast (240.0.0.0/4)",
            _ => null,
        };
        return kind is null ? null : $"{address} is {kind}";
    }

    private static string? IPv6Refusal(IPAddress address, IPAddress? embedded)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IPv4Refusal(embedded!) is { } inner ? $"{address} is IPv4-mapped: {inner}" : null;
        }

        var b = address.GetAddressBytes();
        var kind = b switch
        {
            _ when address.Equals(IPAddress.IPv6Loopback) => "loopback (::1)",
            _ when address.Equals(IPAddress.IPv6Any) => "unspecified (::)",
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ..] => "IPv4-compatible (::/96, deprecated)",
            [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..] => "NAT64 (64:ff9b::/96)",
            [0, 0x64, 0xff, 0x9b, 0, 1, ..] => "local-use NAT64 (64:ff9b:1::/48)",
            [0x20, 0x02, ..] => "6to4 (2002::/16)",
            [0x20, 0x01, 0x0d, 0xb8, ..] => "documentation (2001:db8::/32)",
            [0x20, 0x01, < 0x02, ..] => "IETF protocol assignments, Teredo included (2001::/23)",
            [0x3f, 0xff, < 0x10, ..] => "documentation (3fff::/20)",
            [>= 0xfc and <= 0xfd, ..] => "unique local (fc00::/7)",
            [0xfe, >= 0x80 and <= 0xbf, ..] => "link-local or site-local (fe80::/10, fec0::/10)",
            [0xff, ..] => "multicast (ff00::/8)",
            [var first, ..] when (first & 0xe0) != 0x20 => "outside global unicast (2000::/3)",
            _ => null,
        };
        return kind is null ? null : $"{address} is {kind}";
    }

    /// <summary>The IPv4 address an address is or carries: itself, or the one inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 address.</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var b = address.GetAddressBytes();
        return b switch
        {
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ..] or [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..] => new IPAddress(b.AsSpan(12, 4)),
            [0x20, 0x02, ..] => new IPAddress(b.AsSpan(2, 4)),
            _ => null,
        };
    }
}
