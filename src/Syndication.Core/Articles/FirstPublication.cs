namespace Syndication.Core.Articles;

/// <summary>One recorded version of a story, as the first-publication rule sees it.</summary>
/// <param name="Version">The story's version number (1 for its first).</param>
/// <param name="PreviousEmbargoed">The version it replaced carried an embargo.</param>
/// <param name="PreviousPublic">When the version it replaced was (or was to be) public.</param>
/// <param name="ChangedAt">When this version was ingested.</param>
public readonly record struct RecordedVersion(int? Version, bool PreviousEmbargoed, DateTimeOffset? PreviousPublic, DateTimeOffset? ChangedAt);

/// <summary>
/// Whether a story's public version is its first publication, which is what a breaking-news alert
/// announces: a first version, an embargo's lift, or a version that replaced one still held when it
/// came. An update of a story readers have already seen is not, so it alerts nobody again.
/// </summary>
public static class FirstPublication
{
    /// <param name="versions">The versions applied together (usually one).</param>
    /// <param name="fromHeld">The story comes out of the held stories: its embargo lifted.</param>
    public static bool Is(IEnumerable<RecordedVersion> versions, bool fromHeld)
    {
        ArgumentNullException.ThrowIfNull(versions);
        return fromHeld || versions.Any(v =>
            v.Version == 1
            || (v.PreviousEmbargoed && v.PreviousPublic is { } previousPublic && v.ChangedAt is { } changedAt && previousPublic > changedAt));
    }
}
