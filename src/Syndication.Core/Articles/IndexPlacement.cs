namespace Syndication.Core.Articles;

/// <summary>One recorded version of an article, waiting to be applied to the newest-first lists the feeds read.</summary>
public sealed record PendingVersion
{
    public required string Id { get; init; }

    /// <summary>The article's version number (1 for its first); null in a record that does not say.</summary>
    public int? Version { get; init; }

    /// <summary>Breaks ties between records of one version: the later key is the later record.</summary>
    public required string Key { get; init; }

    /// <summary><c>pubstatus</c> usable: false for a kill (withheld or canceled).</summary>
    public required bool Listed { get; init; }

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset? Updated { get; init; }

    public DateTimeOffset? EmbargoedUntil { get; init; }

    /// <summary>The feeds this version belongs in (<see cref="Feeds.FeedScopes"/>).</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The feeds the version it replaced belonged in; empty for a first version.</summary>
    public IReadOnlyList<string> PreviousScopes { get; init; } = [];

    /// <summary>When the version it replaced was (or was to be) public: where it sits in the lists.</summary>
    public DateTimeOffset? PreviousPublic { get; init; }

    /// <summary>The version it replaced carried an embargo, so a held story may wait for it.</summary>
    public bool PreviousEmbargoed { get; init; }

    /// <summary>When this version was ingested.</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    public int? Urgency { get; init; }

    /// <summary>This is the held story itself, come out at its lift, not a new version.</summary>
    public bool FromHeld { get; init; }
}

/// <summary>What happens to an article's held story (the stories an embargo keeps out of the lists).</summary>
public enum HoldChange
{
    /// <summary>Nothing: it was never held, or it is the held story that has now lifted.</summary>
    None,

    /// <summary>It is held (again or still) until its lift.</summary>
    Hold,

    /// <summary>An earlier version may be held and this one is not embargoed (lifted, moved into the past, removed, or killed): the held story goes.</summary>
    Release,
}

/// <summary>Where an article's newest version goes in the newest-first lists, and what else its change means.</summary>
/// <param name="Latest">The version that wins: the highest version number, then the latest record.</param>
/// <param name="State">Where it stands for the public now (<see cref="NewsroomRules"/>).</param>
/// <param name="ListedIn">The feeds it is listed in, at <see cref="PublicationState.PublicDate"/>; empty when not public.</param>
/// <param name="Unlisted">Every earlier place of the article (a feed and the public date it was listed at) that it no longer holds.</param>
/// <param name="Lifted">Its embargo lifted: the held story is now public.</param>
/// <param name="AlertDue">A breaking story published for the first time (<see cref="FirstPublication"/>): its alert is due.</param>
/// <param name="Withdrawn">It was in some feed and is public no more (a kill, or an embargo again): every output drops it.</param>
/// <param name="Touched">The feeds whose lists change: all it was or is in when public; where it was, when not (a story never public changes no feed).</param>
public sealed record IndexPlacement(
    PendingVersion Latest,
    PublicationState State,
    IReadOnlyList<string> ListedIn,
    IReadOnlyCollection<(string Scope, DateTimeOffset Date)> Unlisted,
    HoldChange Hold,
    bool Lifted,
    bool AlertDue,
    bool Withdrawn,
    IReadOnlySet<string> Touched)
{
    /// <summary>
    /// The newsroom's rules applied to an article's versions recorded since the last build (usually
    /// one) at <paramref name="now"/>: a public version is listed in its feeds at its public date, a
    /// held one waits for its lift, a killed one leaves every feed.
    /// </summary>
    public static IndexPlacement Of(IReadOnlyCollection<PendingVersion> versions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(versions);
        if (versions.Count == 0 || versions.Select(v => v.Id).Distinct(StringComparer.Ordinal).Count() != 1)
        {
            throw new ArgumentException("The versions of one article are placed together: at least one, all with the same id.", nameof(versions));
        }

        var latest = versions.MaxBy(v => (v.Version ?? 0, v.Key), VersionOrder)!;
        var state = NewsroomRules.At(latest.Listed ? PublicationStatus.Usable : PublicationStatus.Canceled, latest.Created, latest.Updated ?? latest.Created, latest.EmbargoedUntil, now);
        IReadOnlyList<string> listedIn = state.IsPublic ? latest.Scopes : [];
        var previousScopes = versions.SelectMany(v => v.PreviousScopes).ToHashSet(StringComparer.Ordinal);
        var everywhere = versions.SelectMany(v => v.Scopes).Concat(previousScopes).ToHashSet(StringComparer.Ordinal);

        // Every place an earlier version may be listed: its feeds at its own public date.
        var unlisted = versions
            .SelectMany(v => new[] { NewsroomRules.PublicDate(v.Created, v.EmbargoedUntil), v.PreviousPublic })
            .OfType<DateTimeOffset>()
            .Distinct()
            .SelectMany(date => everywhere.Select(scope => (Scope: scope, Date: date)))
            .ToHashSet();
        foreach (var scope in listedIn)
        {
            unlisted.Remove((scope, state.PublicDate));
        }

        var fromHeld = versions.Any(v => v.FromHeld);
        var mayBeHeld = fromHeld || versions.Any(v => v.PreviousEmbargoed);
        var hold = state.Visibility == Visibility.Embargoed ? HoldChange.Hold
            : mayBeHeld && !fromHeld ? HoldChange.Release
            : HoldChange.None;
        var alertDue = state.IsPublic
            && Article.Breaking(latest.Urgency)
            && FirstPublication.Is(versions.Select(v => new RecordedVersion(v.Version, v.PreviousEmbargoed, v.PreviousPublic, v.ChangedAt)), fromHeld);

        return new IndexPlacement(
            latest,
            state,
            listedIn,
            unlisted,
            hold,
            Lifted: fromHeld && state.IsPublic,
            AlertDue: alertDue,
            Withdrawn: !state.IsPublic && previousScopes.Count > 0,
            Touched: state.IsPublic ? everywhere : previousScopes);
    }

    private static readonly Comparer<(int Version, string Key)> VersionOrder = Comparer<(int Version, string Key)>.Create(
        (a, b) => a.Version != b.Version ? a.Version.CompareTo(b.Version) : string.CompareOrdinal(a.Key, b.Key));
}
