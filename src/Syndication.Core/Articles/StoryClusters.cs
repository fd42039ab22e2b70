using Syndication.Core.Ingestion.Normalization;

namespace Syndication.Core.Articles;

/// <summary>An article as story clustering sees it.</summary>
/// <param name="TextHash">Its SimHash (<see cref="NearDuplicate.SimHash"/>); 0 when it has no text to compare.</param>
/// <param name="ClusterId">The story cluster it is in; its own id when alone.</param>
public readonly record struct ClusterMember(string Id, ulong TextHash, string ClusterId, DateTimeOffset Created);

/// <summary>A new or changed article version to place in a story cluster.</summary>
public readonly record struct ClusterChange(string Id, ulong TextHash, DateTimeOffset Created);

/// <summary>
/// Story clustering: wire copy run by several outlets becomes one story, which feeds and trending
/// show once. A changed article joins the cluster of a recent article whose text is a near
/// duplicate (SimHash within <see cref="NearDuplicate.DefaultMaxDistance"/> bits) published within
/// <see cref="Window"/> of it; else it keeps the cluster it had; else it is a cluster of its own.
/// </summary>
public static class StoryClusters
{
    /// <summary>How far apart in time two tellings of one story may be published.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(3);

    /// <summary>How many of the newest listed articles are candidates: duplicates are published close together.</summary>
    public const int RecentCandidates = 1000;

    /// <summary>
    /// The cluster of each changed article, by id. <paramref name="changes"/> are placed oldest first
    /// (ties in the order given), each against <paramref name="recent"/> and the changes placed
    /// before it, so the later of two duplicates changed together joins the earlier one. Where an id
    /// changes more than once, its last version decides.
    /// </summary>
    public static Dictionary<string, string> Assign(IEnumerable<ClusterMember> recent, IEnumerable<ClusterChange> changes)
    {
        ArgumentNullException.ThrowIfNull(recent);
        ArgumentNullException.ThrowIfNull(changes);
        var candidates = recent.Where(c => c.TextHash != 0).ToList();
        var clusters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var change in changes.OrderBy(c => c.Created))
        {
            var own = candidates.FirstOrDefault(c => c.Id == change.Id);
            var near = change.TextHash == 0 ? default : candidates.FirstOrDefault(c => c.Id != change.Id
                && (c.Created - change.Created).Duration() <= Window
                && NearDuplicate.AreNear(c.TextHash, change.TextHash));
            var cluster = near.Id is not null ? near.ClusterId : own.Id is not null ? own.ClusterId : change.Id;
            clusters[change.Id] = cluster;
            candidates.RemoveAll(c => c.Id == change.Id);
            candidates.Add(new ClusterMember(change.Id, change.TextHash, cluster, change.Created));
        }

        return clusters;
    }
}

/// <summary>
/// A feed shows each story once: walking articles newest first, only the first (newest) telling of
/// each story cluster is admitted; an article alone is its own cluster.
/// </summary>
public sealed class OneTellingPerStory
{
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    /// <summary>True for the first article met of its cluster (<paramref name="clusterId"/>; null: its own).</summary>
    public bool Admits(string id, string? clusterId)
    {
        ArgumentNullException.ThrowIfNull(id);
        return seen.Add(clusterId ?? id);
    }
}
