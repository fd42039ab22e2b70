using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Syndication.Adapters.Storage;

/// <summary>
/// Counts every request the storage clients send (retries included, as Azure bills them), by
/// service and operation, so each run can say what it cost.
/// </summary>
public sealed class StorageRequestCounter
{
    private readonly ConcurrentDictionary<string, long> _byOperation = new(StringComparer.Ordinal);

    public long Reads => Sum(isRead: true);

    public long Writes => Sum(isRead: false);

    public long Total => _byOperation.Values.Sum();

    /// <summary>Counts per operation, e.g. <c>blob read GetBlob</c> → 5.</summary>
    public IReadOnlyDictionary<string, long> ByOperation => new SortedDictionary<string, long>(_byOperation, StringComparer.Ordinal);

    public void Record(string service, string method, string operation)
    {
        var kind = IsRead(method) ? "read" : "write";
        _byOperation.AddOrUpdate($"{service} {kind} {operation}", 1, (_, n) => n + 1);
    }

    /// <summary>A snapshot to subtract from later, to count one piece of work.</summary>
    public (long Reads, long Writes) Snapshot() => (Reads, Writes);

    public void Reset() => _byOperation.Clear();

    /// <summary>"12 storage requests: 5 reads, 7 writes".</summary>
    public override string ToString() =>
        $"{Total} storage request{(Total == 1 ? "" : "s")}: {Reads} read{(Reads == 1 ? "" : "s")}, {Writes} write{(Writes == 1 ? "" : "s")}";

    /// <summary>"blob: 2 reads, 5 writes; table: 3 reads, 2 writes": what each service bills differently.</summary>
    public string ByService() => string.Join("; ", _byOperation
        .GroupBy(kv => kv.Key[..kv.Key.IndexOf(' ', StringComparison.Ordinal)], StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g =>
        {
            var reads = g.Where(kv => kv.Key.Contains(" read ", StringComparison.Ordinal)).Sum(kv => kv.Value);
            var writes = g.Sum(kv => kv.Value) - reads;
            return $"{g.Key}: {reads} read{(reads == 1 ? "" : "s")}, {writes} write{(writes == 1 ? "" : "s")}";
        }));

    private long Sum(bool isRead) =>
        _byOperation.Where(kv => kv.Key.Contains(" read ", StringComparison.Ordinal) == isRead).Sum(kv => kv.Value);

    private static bool IsRead(string method) => method is "GET" or "HEAD";

    /// <summary>The pipeline policy that feeds a counter; one per client, named for its service.</summary>
    public HttpPipelinePolicy PolicyFor(string service) => new CountingPolicy(this, service);

    private sealed class CountingPolicy(StorageRequestCounter counter, string service) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            var request = message.Request;
            counter.Record(service, request.Method.Method, Operation(service, request));
        }

        private static string Operation(string service, Request request)
        {
            var method = request.Method.Method;
            var uri = request.Uri.ToUri();
            var query = uri.Query;
            var comp = QueryValue(query, "comp");
            var restype = QueryValue(query, "restype");
            if (service == "table")
            {
                return uri.AbsolutePath.EndsWith("$batch", StringComparison.Ordinal) ? "Batch"
                    : uri.AbsolutePath.EndsWith("/Tables", StringComparison.Ordinal) || uri.AbsolutePath.Contains("/Tables(", StringComparison.Ordinal) ? method == "GET" ? "QueryTables" : "CreateOrDeleteTable"
                    : method switch
                    {
                        "GET" => "QueryEntities",
                        "POST" => "InsertEntity",
                        "PUT" => "UpdateEntity",
                        "MERGE" or "PATCH" => "MergeEntity",
                        "DELETE" => "DeleteEntity",
                        _ => method,
                    };
            }

            return (method, restype, comp) switch
            {
                ("GET", "container", "list") => "ListBlobs",
                ("PUT", "container", null) => "CreateContainer",
                ("PUT", "container", "acl") => "SetContainerAcl",
                ("GET", "container", _) => "GetContainerProperties",
                ("HEAD", "container", _) => "GetContainerProperties",
                ("GET", _, null) => "GetBlob",
                ("HEAD", _, _) => "GetBlobProperties",
                ("PUT", _, null) => "PutBlob",
                ("PUT", _, "block") => "PutBlock",
                ("PUT", _, "blocklist") => "PutBlockList",
                ("DELETE", _, _) => "DeleteBlob",
                _ => $"{method} {comp ?? restype ?? "blob"}",
            };
        }

        private static string? QueryValue(string query, string name)
        {
            foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && pair.AsSpan(0, eq).Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return pair[(eq + 1)..];
                }
            }

            return null;
        }
    }
}
