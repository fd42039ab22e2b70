using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Syndication.Adapters.Storage;

namespace Syndication.Pipeline;

/// <summary>
/// Where the storage is, read the way the Functions host reads its own: <c>AzureWebJobsStorage</c>
/// is either a connection string (Azurite, a laptop) or, in Azure where shared keys are off, a
/// section of identity-based settings: <c>AzureWebJobsStorage__blobServiceUri</c> and
/// <c>__tableServiceUri</c> (or <c>__accountName</c>), <c>__credential</c> = <c>managedidentity</c>
/// and <c>__clientId</c> of a user-assigned identity. <c>FeedsStorage</c> has the same two forms
/// for the account of the public feeds (blobs only); without it the feeds live in the same account.
/// (The credentials come with Azure.Core, which the storage SDKs bring: no Azure.Identity package.)
/// </summary>
public sealed class StorageSettings
{
    /// <summary>The configuration key the Functions host uses for its storage.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>The configuration key of the public feeds account, when it is a separate one.</summary>
    public const string FeedsConnectionSetting = "FeedsStorage";

    public string ConnectionString { get; set; } = "";

    public Uri? BlobServiceUri { get; set; }

    public Uri? TableServiceUri { get; set; }

    /// <summary><c>managedidentity</c> for the app's managed identity; otherwise the developer's or operator's own sign-in.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of a user-assigned managed identity.</summary>
    public string? ClientId { get; set; }

    public string FeedsConnectionString { get; set; } = "";

    public Uri? FeedsBlobServiceUri { get; set; }

    public bool IsComplete => !string.IsNullOrWhiteSpace(ConnectionString) || (BlobServiceUri is not null && TableServiceUri is not null);

    public static StorageSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var storage = configuration.GetSection(ConnectionSetting);
        var feeds = configuration.GetSection(FeedsConnectionSetting);
        return new StorageSettings
        {
            ConnectionString = storage.Value ?? "",
            BlobServiceUri = ServiceUri(storage, "blob"),
            TableServiceUri = ServiceUri(storage, "table"),
            Credential = storage["credential"],
            ClientId = storage["clientId"],
            FeedsConnectionString = feeds.Value ?? "",
            FeedsBlobServiceUri = ServiceUri(feeds, "blob"),
        };
    }

    /// <summary>The private account; a connection string wins over identity-based settings.</summary>
    public StorageEndpoint Storage() =>
        !string.IsNullOrWhiteSpace(ConnectionString)
            ? StorageEndpoint.FromConnectionString(ConnectionString)
            : StorageEndpoint.FromServiceUris(
                BlobServiceUri ?? throw new InvalidOperationException($"{ConnectionSetting} is not set."),
                TableServiceUri,
                CreateCredential());

    /// <summary>The account of the public feeds, or null when they live in the private account.</summary>
    public StorageEndpoint? Feeds() =>
        !string.IsNullOrWhiteSpace(FeedsConnectionString) ? StorageEndpoint.FromConnectionString(FeedsConnectionString)
        : FeedsBlobServiceUri is not null ? StorageEndpoint.FromServiceUris(FeedsBlobServiceUri, null, CreateCredential())
        : null;

    private TokenCredential CreateCredential() =>
        string.Equals(Credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrWhiteSpace(ClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(ClientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrWhiteSpace(ClientId) ? null : ClientId });

    /// <summary>{service}ServiceUri, else the public-cloud endpoint of accountName (as the host derives it).</summary>
    private static Uri? ServiceUri(IConfigurationSection section, string service)
    {
        var explicitUri = section[$"{service}ServiceUri"];
        if (!string.IsNullOrWhiteSpace(explicitUri))
        {
            return new Uri(explicitUri, UriKind.Absolute);
        }

        var account = section["accountName"];
        return string.IsNullOrWhiteSpace(account) ? null : new Uri($"https://{account}.{service}.core.windows.net/");
    }
}
