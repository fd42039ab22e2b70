using System.Globalization;
using Azure.Data.Tables;
using Syndication.Adapters.Storage;
using Syndication.Core.Ingestion.Feeds;

namespace Syndication.Adapters.Upstream;

/// <summary>What we remember of one agency feed between polls.</summary>
public sealed record UpstreamFeedState(string Name)
{
    public string? ETag { get; init; }

    public string? LastModified { get; init; }

    /// <summary>Not polled again before this instant: the minimum interval, a back-off, or the server's Retry-After.</summary>
    public DateTimeOffset? NextPollAfter { get; init; }

    public int ConsecutiveFailures { get; init; }

    public DateTimeOffset? LastPolled { get; init; }

    public DateTimeOffset? LastChanged { get; init; }

    public int? LastStatus { get; init; }

    public string? LastError { get; init; }

    /// <summary>The URL the state belongs to: validators of another URL are never sent.</summary>
    public string? Url { get; init; }

    /// <summary>When to come back, as the server and the feed last said (a 304 carries no feed, so the feed's part is kept).</summary>
    public PollHints Hints { get; init; } = PollHints.None;
}

/// <summary>Per-feed poll state in the <c>UpstreamFeeds</c> table: read all at once, written per feed.</summary>
public sealed class UpstreamStateStore(StorageAccount account)
{
    private const string Partition = "feed";
    private const string FreshForSeconds = "FreshForSeconds";

    public async Task<Dictionary<string, UpstreamFeedState>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, UpstreamFeedState>(StringComparer.OrdinalIgnoreCase);
        await foreach (var entity in Table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            states[entity.RowKey] = new UpstreamFeedState(entity.RowKey)
            {
                ETag = entity.GetString(nameof(UpstreamFeedState.ETag)),
                LastModified = entity.GetString(nameof(UpstreamFeedState.LastModified)),
                NextPollAfter = entity.GetDateTimeOffset(nameof(UpstreamFeedState.NextPollAfter)),
                ConsecutiveFailures = entity.GetInt32(nameof(UpstreamFeedState.ConsecutiveFailures)) ?? 0,
                LastPolled = entity.GetDateTimeOffset(nameof(UpstreamFeedState.LastPolled)),
                LastChanged = entity.GetDateTimeOffset(nameof(UpstreamFeedState.LastChanged)),
                LastStatus = entity.GetInt32(nameof(UpstreamFeedState.LastStatus)),
                LastError = entity.GetString(nameof(UpstreamFeedState.LastError)),
                Url = entity.GetString(nameof(UpstreamFeedState.Url)),
                Hints = new PollHints(
                    entity.GetInt64(FreshForSeconds) is { } fresh ? TimeSpan.FromSeconds(fresh) : null,
                    entity.GetInt32(nameof(PollHints.TtlMinutes)),
                    [.. List(entity.GetString(nameof(PollHints.SkipHours))).Select(h => int.Parse(h, CultureInfo.InvariantCulture))],
                    [.. List(entity.GetString(nameof(PollHints.SkipDays))).Select(Enum.Parse<DayOfWeek>)]),
            };
        }

        return states;
    }

    public Task WriteAsync(UpstreamFeedState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entity = new TableEntity(Partition, state.Name)
        {
            [nameof(UpstreamFeedState.ETag)] = state.ETag,
            [nameof(UpstreamFeedState.LastModified)] = state.LastModified,
            [nameof(UpstreamFeedState.NextPollAfter)] = state.NextPollAfter,
            [nameof(UpstreamFeedState.ConsecutiveFailures)] = state.ConsecutiveFailures,
            [nameof(UpstreamFeedState.LastPolled)] = state.LastPolled,
            [nameof(UpstreamFeedState.LastChanged)] = state.LastChanged,
            [nameof(UpstreamFeedState.LastStatus)] = state.LastStatus,
            [nameof(UpstreamFeedState.LastError)] = state.LastError,
            [nameof(UpstreamFeedState.Url)] = state.Url,
            [FreshForSeconds] = state.Hints.FreshFor is { } fresh ? (long)fresh.TotalSeconds : null,
            [nameof(PollHints.TtlMinutes)] = state.Hints.TtlMinutes,
            [nameof(PollHints.SkipHours)] = state.Hints.SkipHours.Count == 0 ? null : string.Join(',', state.Hints.SkipHours.Select(h => h.ToString(CultureInfo.InvariantCulture))),
            [nameof(PollHints.SkipDays)] = state.Hints.SkipDays.Count == 0 ? null : string.Join(',', state.Hints.SkipDays),
        };
        return Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    private static string[] List(string? value) => value?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];

    private TableClient Table => account.Table(StorageNames.UpstreamFeedsTable);
}
