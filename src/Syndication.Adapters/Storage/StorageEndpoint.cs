using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Syndication.Adapters.Storage;

/// <summary>
/// How to reach a storage account: a connection string (Azurite, a laptop), or service URIs with
/// an Entra ID credential (Azure, where the accounts have shared keys turned off).
/// </summary>
public sealed class StorageEndpoint
{
    private StorageEndpoint(string? connectionString, Uri? blobServiceUri, Uri? tableServiceUri, TokenCredential? credential)
    {
        ConnectionString = connectionString;
        BlobServiceUri = blobServiceUri;
        TableServiceUri = tableServiceUri;
        Credential = credential;
    }

    public string? ConnectionString { get; }

    public Uri? BlobServiceUri { get; }

    /// <summary>Null for an account used for blobs only (the public feeds account).</summary>
    public Uri? TableServiceUri { get; }

    public TokenCredential? Credential { get; }

    public static StorageEndpoint FromConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new StorageEndpoint(connectionString, null, null, null);
    }

    public static StorageEndpoint FromServiceUris(Uri blobServiceUri, Uri? tableServiceUri, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(blobServiceUri);
        ArgumentNullException.ThrowIfNull(credential);
        return new StorageEndpoint(null, blobServiceUri, tableServiceUri, credential);
    }

    internal BlobServiceClient CreateBlobServiceClient(BlobClientOptions options) =>
        ConnectionString is not null
            ? new BlobServiceClient(ConnectionString, options)
            : new BlobServiceClient(BlobServiceUri!, Credential!, options);

    internal TableServiceClient CreateTableServiceClient(TableClientOptions options) =>
        ConnectionString is not null
            ? new TableServiceClient(ConnectionString, options)
            : new TableServiceClient(TableServiceUri ?? throw new InvalidOperationException($"No table service URI for {BlobServiceUri}."), Credential!, options);
}
