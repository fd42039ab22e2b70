using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;

namespace Syndication.Adapters.Storage;

/// <summary>How a run of a stage ended.</summary>
public enum StageOutcome
{
    /// <summary>Did all it had to do.</summary>
    Succeeded,

    /// <summary>Finished, but some of its work failed (a feed that did not answer, a mail SendGrid refused).</summary>
    Warning,

    /// <summary>Threw: the invocation failed and the work is retried by the next run.</summary>
    Failed,
}

/// <summary>One run of one stage, as the <c>StageRuns</c> table keeps it.</summary>
/// <param name="Subject">What the run was about when it is about one thing: a file, an edition, an issue.</param>
/// <param name="Counts">Counts by name (<c>ingested</c>, <c>rejected</c>, <c>emailsSent</c>, ...).</param>
/// <param name="Values">Measurements that are not counts (<c>topTrendingScore</c>).</param>
public sealed record StageRunRecord(
    string Stage,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    StageOutcome Outcome,
    string? Subject,
    string? Detail,
    IReadOnlyDictionary<string, long> Counts,
    IReadOnlyDictionary<string, double> Values)
{
    public long Count(string name) => Counts.GetValueOrDefault(name);
}

/// <summary>
/// The <c>StageRuns</c> table: partition = stage, row key = reverse ticks of the start (newest
/// first) plus a short random suffix, since blob-triggered runs of the same stage may start in the
/// same tick. One write per run; the status page reads the newest rows of each stage.
/// </summary>
public sealed class StageRunStore(StorageAccount account)
{
    private const int MaxDetailLength = 2000;

    public async Task WriteAsync(StageRunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await account.EnsureLayoutAsync(cancellationToken);
        var entity = new TableEntity(run.Stage, $"{ReverseTicks(run.StartedAt)}-{Guid.NewGuid():N}"[..28])
        {
            ["StartedAt"] = run.StartedAt,
            ["DurationMs"] = (long)run.Duration.TotalMilliseconds,
            ["Outcome"] = run.Outcome.ToString(),
            ["Subject"] = run.Subject,
            ["Detail"] = run.Detail is { Length: > MaxDetailLength } detail ? detail[..MaxDetailLength] : run.Detail,
            ["Counts"] = JsonSerializer.Serialize(run.Counts),
            ["Values"] = JsonSerializer.Serialize(run.Values),
        };
        await Table.AddEntityAsync(entity, cancellationToken);
    }

    /// <summary>The runs of <paramref name="stage"/> since <paramref name="since"/>, newest first, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<StageRunRecord>> NewestAsync(string stage, DateTimeOffset since, int max, CancellationToken cancellationToken)
    {
        var upTo = ReverseTicks(since) + "~";
        var runs = new List<StageRunRecord>();
        var query = Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {stage} and RowKey lt {upTo}"),
            maxPerPage: Math.Min(max, 1000),
            cancellationToken: cancellationToken);
        await foreach (var entity in query)
        {
            runs.Add(Read(entity));
            if (runs.Count >= max)
            {
                break;
            }
        }

        return runs;
    }

    private TableClient Table => account.Table(StorageNames.StageRunsTable);

    private static string ReverseTicks(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static StageRunRecord Read(TableEntity entity) => new(
        entity.PartitionKey,
        entity.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        TimeSpan.FromMilliseconds(entity.GetInt64("DurationMs") ?? 0),
        Enum.TryParse<StageOutcome>(entity.GetString("Outcome"), out var outcome) ? outcome : StageOutcome.Failed,
        entity.GetString("Subject"),
        entity.GetString("Detail"),
        Parse<long>(entity.GetString("Counts")),
        Parse<double>(entity.GetString("Values")));

    private static Dictionary<string, T> Parse<T>(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, T>>(json) ?? [];
}
