using Azure.Core;
using Azure.Identity;

namespace Syndication.Pipeline.Operations;

/// <summary>
/// The identity that sends telemetry, read from <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>
/// the way the Functions host reads it: <c>ClientId={id};Authorization=AAD</c> for a user-assigned
/// managed identity, <c>Authorization=AAD</c> for the system-assigned one. (Here, not in the
/// Functions project, because there the exporter's Azure.Identity and Azure.Core both define the
/// credential types; this project sees Azure.Core's only, as <see cref="StorageSettings"/> does.)
/// </summary>
public static class TelemetryCredential
{
    /// <returns>The managed identity credential, or null for key-based ingestion.</returns>
    public static TokenCredential? From(string? authentication)
    {
        if (string.IsNullOrWhiteSpace(authentication))
        {
            return null;
        }

        var parts = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!string.Equals(parts.GetValueOrDefault("Authorization"), "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new ManagedIdentityCredential(parts.GetValueOrDefault("ClientId") is { Length: > 0 } clientId
            ? ManagedIdentityId.FromUserAssignedClientId(clientId)
            : ManagedIdentityId.SystemAssigned);
    }
}
