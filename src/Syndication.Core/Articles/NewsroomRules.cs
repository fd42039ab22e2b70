namespace Syndication.Core.Articles;

/// <summary>Where an article stands for the public at one instant.</summary>
public enum Visibility
{
    /// <summary>In every public output: feeds, trending, newsletters, and whatever is added later.</summary>
    Public,

    /// <summary>Held until <see cref="PublicationState.LiftsAt"/>: in no public output and no email yet.</summary>
    Embargoed,

    /// <summary><c>pubstatus</c> withheld or canceled: in no public output, ever, until a usable version comes.</summary>
    Killed,
}

/// <summary>What <see cref="NewsroomRules"/> makes of one article at one instant.</summary>
/// <param name="Visibility">Public, held by an embargo, or killed.</param>
/// <param name="PublicDate">The date the public sees and every output sorts by: the creation instant, or the embargo's lift when later.</param>
/// <param name="PublicUpdated">The last-modified date the public sees: never before <paramref name="PublicDate"/>.</param>
/// <param name="LiftsAt">When an embargoed article becomes public; null otherwise.</param>
public readonly record struct PublicationState(Visibility Visibility, DateTimeOffset PublicDate, DateTimeOffset PublicUpdated, DateTimeOffset? LiftsAt)
{
    public bool IsPublic => Visibility == Visibility.Public;
}

/// <summary>
/// The newsroom's rules in one place: is an article public at an instant, and with which dates.
/// Every output asks this, and only this: the feed build when it puts an article in the index (and
/// holds it until its lift), trending and newsletters through the index, and outputs added later
/// (news sitemaps, feed archives, breaking-news alerts) by calling <see cref="At(Article, DateTimeOffset)"/>
/// or <see cref="At(PublicationStatus, DateTimeOffset, DateTimeOffset, DateTimeOffset?, DateTimeOffset)"/>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A killed article (<c>pubstatus</c> withheld or canceled) is public never, embargo or not.</item>
/// <item>An embargoed article is public from its lift on, not a second before. The lift is the
/// embargo, or the article's own creation instant when that is later (an editor who schedules a
/// story for 07:00 and dates it 07:05 gets 07:05): its public date is that lift, so a lifted story
/// sorts where a story published at the lift would.</item>
/// <item>Without an embargo an article is public at once, dated by its creation instant.</item>
/// </list>
/// </remarks>
public static class NewsroomRules
{
    /// <summary>The rule for a stored article at <paramref name="now"/>.</summary>
    public static PublicationState At(Article article, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(article);
        return At(article.Status, article.Created, article.Updated, article.EmbargoedUntil, now);
    }

    /// <summary>The rule from an article's parts (for stores that keep them apart, such as the index's change records).</summary>
    public static PublicationState At(PublicationStatus status, DateTimeOffset created, DateTimeOffset updated, DateTimeOffset? embargoedUntil, DateTimeOffset now)
    {
        var publicDate = PublicDate(created, embargoedUntil);
        var publicUpdated = updated > publicDate ? updated : publicDate;
        if (status != PublicationStatus.Usable)
        {
            return new PublicationState(Visibility.Killed, publicDate, publicUpdated, null);
        }

        if (embargoedUntil is not null && publicDate > now)
        {
            return new PublicationState(Visibility.Embargoed, publicDate, publicUpdated, publicDate);
        }

        return new PublicationState(Visibility.Public, publicDate, publicUpdated, null);
    }

    /// <summary>The date the public sees: the creation instant, or the embargo when later.</summary>
    public static DateTimeOffset PublicDate(DateTimeOffset created, DateTimeOffset? embargoedUntil) =>
        (embargoedUntil is { } lift && lift > created ? lift : created).ToUniversalTime();

    /// <summary>
    /// What the record of stories out of public view (which newsletters check their stories against,
    /// before any feed build has run) needs when <paramref name="article"/> is ingested at
    /// <paramref name="at"/>: a version not public now is recorded, with its lift when it has one;
    /// a public version clears the record only where an earlier version may have made one (killed or
    /// embargoed), so an ordinary update costs nothing.
    /// </summary>
    public static Withdrawal WithdrawalOf(Article article, Article? previous, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(article);
        var state = At(article, at);
        if (!state.IsPublic)
        {
            return new Withdrawal(WithdrawalChange.Record, state.LiftsAt);
        }

        return previous is not null && (previous.Status != PublicationStatus.Usable || previous.EmbargoedUntil is not null)
            ? new Withdrawal(WithdrawalChange.Clear, null)
            : new Withdrawal(WithdrawalChange.None, null);
    }

    /// <summary>Whether a story recorded out of public view with <paramref name="liftsAt"/> (null: a kill) is still out of view at <paramref name="at"/>.</summary>
    public static bool IsStillWithdrawn(DateTimeOffset? liftsAt, DateTimeOffset at) => liftsAt is not { } lift || lift > at;
}

/// <summary>What the record of stories out of public view does with an ingested version.</summary>
public enum WithdrawalChange
{
    /// <summary>Nothing: public, and no earlier version can have been recorded.</summary>
    None,

    /// <summary>Record it (or keep it recorded) as out of view, until its lift if it has one.</summary>
    Record,

    /// <summary>Public again: remove the record an earlier version may have left.</summary>
    Clear,
}

/// <param name="LiftsAt">With <see cref="WithdrawalChange.Record"/>: when an embargoed story becomes public; null for a kill.</param>
public readonly record struct Withdrawal(WithdrawalChange Change, DateTimeOffset? LiftsAt);

/// <summary>Says when a held story lifts in the terms of those who wait for it: UTC, and each of its editions' own zone.</summary>
public static class EmbargoText
{
    /// <summary>
    /// <c>embargoed until 2026-12-04 01:30 UTC (07:00 Thu 4 Dec in India, Asia/Kolkata)</c>: UTC, then
    /// the local time in each distinct zone of the story's editions (a zone at UTC is left out).
    /// </summary>
    public static string Describe(DateTimeOffset liftsAt, IEnumerable<Catalog.Edition> editions)
    {
        ArgumentNullException.ThrowIfNull(editions);
        var utc = liftsAt.ToUniversalTime();
        var local = new List<string>();
        foreach (var zone in editions.GroupBy(e => e.TimeZone, StringComparer.Ordinal))
        {
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone.Key, out var info))
            {
                continue;
            }

            var there = TimeZoneInfo.ConvertTime(utc, info);
            if (there.Offset == TimeSpan.Zero && info.BaseUtcOffset == TimeSpan.Zero && !info.SupportsDaylightSavingTime)
            {
                continue;
            }

            var names = string.Join(", ", zone.Select(e => e.Name));
            local.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{there:HH:mm ddd d MMM} {Offset(there.Offset)} in {names}, {zone.Key}"));
        }

        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"embargoed until {utc:yyyy-MM-dd HH:mm} UTC");
        return local.Count == 0 ? text : $"{text} ({string.Join("; ", local)})";
    }

    private static string Offset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture);
}
