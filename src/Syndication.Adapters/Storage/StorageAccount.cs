using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Syndication.Adapters.Storage;

/// <summary>
/// The storage account of a deployment: blob and table clients that count their requests, and the
/// containers and tables they need, created once per process (idempotently).
/// </summary>
public sealed class StorageAccount
{
    private readonly Lazy<Task> _layout;

    public StorageAccount(string connectionString, StorageRequestCounter counter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(counter);
        Counter = counter;

        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(counter.PolicyFor("blob"), HttpPipelinePosition.PerRetry);
        Blobs = new BlobServiceClient(connectionString, blobOptions);

        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(counter.PolicyFor("table"), HttpPipelinePosition.PerRetry);
        Tables = new TableServiceClient(connectionString, tableOptions);

        _layout = new Lazy<Task>(() => CreateLayoutAsync(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public BlobServiceClient Blobs { get; }

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
            work.Add(CreateContainerAsync(name, PublicAccessType.None, cancellationToken));
        }

        // Readers send no credentials: feed blobs (not the container listing) are public.
        work.Add(CreateContainerAsync(StorageNames.FeedsContainer, PublicAccessType.Blob, cancellationToken));
        foreach (var table in StorageNames.Tables)
        {
            work.Add(Tables.CreateTableIfNotExistsAsync(table, cancellationToken));
        }

        await Task.WhenAll(work);
    }

    private async Task CreateContainerAsync(string name, PublicAccessType access, CancellationToken cancellationToken)
    {
        try
        {
            await Container(name).CreateIfNotExistsAsync(access, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == "PublicAccessNotPermitted" && access != PublicAccessType.None)
        {
            // Accounts with anonymous access disabled serve feeds through a CDN instead (see infra/).
            await Container(name).CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
        }
    }
}
