using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Syndication.Adapters.Storage;

/// <summary>
/// The storage account of a deployment: blob and table clients that count their requests, and the
/// containers and tables they need, created once per process (idempotently). The public feeds
/// may live in an account of their own (in Azure: one that allows anonymous reads, while the
/// private account never does); by default they live in the same account.
/// </summary>
public sealed class StorageAccount
{
    private readonly Lazy<Task> _layout;

    public StorageAccount(string connectionString, StorageRequestCounter counter)
        : this(StorageEndpoint.FromConnectionString(connectionString), counter)
    {
    }

    public StorageAccount(StorageEndpoint storage, StorageRequestCounter counter, StorageEndpoint? feeds = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(counter);
        Counter = counter;

        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(counter.PolicyFor("blob"), HttpPipelinePosition.PerRetry);
        Blobs = storage.CreateBlobServiceClient(blobOptions);
        FeedBlobs = feeds is null ? Blobs : feeds.CreateBlobServiceClient(blobOptions);

        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter.PolicyFor("table"), HttpPipelinePosition.PerRetry);
        Tables = storage.CreateTableServiceClient(tableOptions);

        _layout = new Lazy<Task>(() => CreateLayoutAsync(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public BlobServiceClient Blobs { get; }

    /// <summary>The blob service of the account that holds the public <c>feeds/</c> container.</summary>
    public BlobServiceClient FeedBlobs { get; }

    /// <summary>The public <c>feeds/</c> container.</summary>
    public BlobContainerClient Feeds => FeedBlobs.GetBlobContainerClient(StorageNames.FeedsContainer);

    public TableServiceClient Tables { get; }

    public StorageRequestCounter Counter { get; }

    public BlobContainerClient Container(string name) => Blobs.GetBlobContainerClient(name);

    public TableClient Table(string name) => Tables.GetTableClient(name);

    /// <summary>Creates the containers and tables on first use in this process; later calls cost nothing.</summary>
    public Task EnsureLayoutAsync(CancellationToken cancellationToken) => _layout.Value.WaitAsync(cancellationToken);

    private async Task CreateLayoutAsync(CancellationToken cancellationToken)
    {
        var work = new List<Task>();
        foreach (var name in StorageNames.PrivateContainers)
        {
            work.Add(CreateContainerAsync(Container(name), PublicAccessType.None, cancellationToken));
        }

        // Readers send no credentials: feed blobs (not the container listing) are public.
        work.Add(CreateContainerAsync(Feeds, PublicAccessType.Blob, cancellationToken));
        foreach (var table in StorageNames.Tables)
        {
            work.Add(Tables.CreateTableIfNotExistsAsync(table, cancellationToken));
        }

        await Task.WhenAll(work);
    }

    private static async Task CreateContainerAsync(BlobContainerClient container, PublicAccessType access, CancellationToken cancellationToken)
    {
        try
        {
            await container.CreateIfNotExistsAsync(access, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == "PublicAccessNotPermitted" && access != PublicAccessType.None)
        {
            // Accounts with anonymous access disabled serve feeds through a CDN instead (see infra/).
            await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
        }
    }
}
