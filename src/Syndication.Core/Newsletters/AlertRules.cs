using System.Globalization;
using Syndication.Core.Catalog;

namespace Syndication.Core.Newsletters;

/// <summary>What happens to a story's alert in its quiet hours.</summary>
public enum QuietHoursAction
{
    /// <summary>The alert waits, and goes when quiet hours end (07:00 by default), if it is still within <see cref="AlertOptions.MaxAgeHours"/>.</summary>
    Hold,

    /// <summary>The alert is not sent at all: the story reaches readers with the next digest.</summary>
    Drop,
}

/// <summary>Breaking-news alert settings (<c>Syndication:Newsletter:Alerts</c>).</summary>
public sealed class AlertOptions
{
    /// <summary>Alerts per edition per local day at most: a breaking story past the limit goes with the next digest.</summary>
    public int PerDay { get; set; } = 3;

    /// <summary>Local hours, in each edition's zone, when no alert goes out (<c>HH:mm-HH:mm</c>, may wrap midnight; empty: none).</summary>
    public string QuietHours { get; set; } = "22:00-07:00";

    /// <summary>What an alert due in quiet hours does: held until they end (the default) or dropped.</summary>
    public QuietHoursAction DuringQuietHours { get; set; } = QuietHoursAction.Hold;

    /// <summary>An alert not sent this long after the story's publication (held, or the sender down) is dropped: it is no longer news.</summary>
    public int MaxAgeHours { get; set; } = 12;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (PerDay is < 0 or > 100)
        {
            errors.Add($"Syndication:Newsletter:Alerts:PerDay must be between 0 (no alerts) and 100, not {PerDay}.");
        }

        if (!TryParseQuietHours(QuietHours, out _))
        {
            errors.Add($"Syndication:Newsletter:Alerts:QuietHours must be HH:mm-HH:mm (or empty for none), not '{QuietHours}'.");
        }

        if (!Enum.IsDefined(DuringQuietHours))
        {
            errors.Add($"Syndication:Newsletter:Alerts:DuringQuietHours must be Hold or Drop, not '{DuringQuietHours}'.");
        }

        if (MaxAgeHours is < 1 or > 72)
        {
            errors.Add($"Syndication:Newsletter:Alerts:MaxAgeHours must be between 1 and 72, not {MaxAgeHours}.");
        }

        return errors;
    }

    /// <summary>Parses <c>22:00-07:00</c>; empty means no quiet hours (null).</summary>
    public static bool TryParseQuietHours(string? text, out (TimeOnly Start, TimeOnly End)? hours)
    {
        hours = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || start == end)
        {
            return false;
        }

        hours = (start, end);
        return true;
    }
}

/// <summary>What to do now with one edition's alert for one story.</summary>
public enum AlertVerdict
{
    /// <summary>Send it now.</summary>
    Send,

    /// <summary>Not now (quiet hours, held): ask again later.</summary>
    Wait,

    /// <summary>Never: too old, over the day's limit, or dropped in quiet hours.</summary>
    Drop,
}

/// <summary>The decision, with the edition's local date (the day the limit counts) and why.</summary>
public readonly record struct AlertDecision(AlertVerdict Verdict, DateOnly LocalDate, string Reason);

/// <summary>
/// The limits editors expect of breaking-news alerts, per edition in its own IANA zone: none in
/// quiet hours (held until they end, or dropped), at most <see cref="AlertOptions.PerDay"/> a local
/// day, none for a story older than <see cref="AlertOptions.MaxAgeHours"/>. Whether the story is
/// public at all (not killed, its embargo lifted) is <c>NewsroomRules</c>' call, asked before this.
/// </summary>
public sealed class AlertRules
{
    private readonly AlertOptions _options;
    private readonly (TimeOnly Start, TimeOnly End)? _quiet;

    public AlertRules(AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _quiet = AlertOptions.TryParseQuietHours(options.QuietHours, out var hours) ? hours : null;
    }

    /// <param name="publishedAt">The story's public date (its first publication, or its embargo's lift).</param>
    /// <param name="sentToday">Alerts of the edition already started on <paramref name="now"/>'s local date.</param>
    public AlertDecision Decide(Edition edition, DateTimeOffset publishedAt, DateTimeOffset now, int sentToday)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(edition.TimeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        if (now - publishedAt > TimeSpan.FromHours(_options.MaxAgeHours))
        {
            return new(AlertVerdict.Drop, date, $"published {publishedAt:yyyy-MM-dd HH:mm} UTC, more than {_options.MaxAgeHours} hours ago");
        }

        if (IsQuiet(TimeOnly.FromDateTime(local.DateTime)))
        {
            return _options.DuringQuietHours == QuietHoursAction.Hold
                ? new(AlertVerdict.Wait, date, $"quiet hours in {edition.Name} ({_options.QuietHours} {edition.TimeZone}): held until they end")
                : new(AlertVerdict.Drop, date, $"quiet hours in {edition.Name} ({_options.QuietHours} {edition.TimeZone}): dropped");
        }

        if (sentToday >= _options.PerDay)
        {
            return new(AlertVerdict.Drop, date, $"{edition.Name} has had its {_options.PerDay} alerts of {date:yyyy-MM-dd}");
        }

        return new(AlertVerdict.Send, date, "due");
    }

    /// <summary>Whether a local time of day is in quiet hours (start included, end excluded; may wrap midnight).</summary>
    public bool IsQuiet(TimeOnly time) => _quiet is { } q && (q.Start < q.End ? time >= q.Start && time < q.End : time >= q.Start || time < q.End);
}
