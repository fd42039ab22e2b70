namespace Syndication.Core.Newsletters;

/// <summary>How many emails may be handed to SendGrid now, and, when none, until when and why.</summary>
/// <param name="Allowed">Emails that may go now (int.MaxValue: no cap applies).</param>
/// <param name="Until">When <paramref name="Allowed"/> is 0: when sending may resume (the next UTC hour or day).</param>
public sealed record SendingAllowance(int Allowed, DateTimeOffset? Until, string? Reason);

/// <summary>
/// The caps on emails handed to SendGrid: per UTC hour, per UTC day, and the warm-up's daily cap of
/// the account's n-th day (day 1 is the warm-up's first day). Pure: the counts come from the ledger.
/// </summary>
public sealed class SendingLimits(int maxPerHour, int maxPerDay, IReadOnlyList<int> warmupCaps)
{
    public static SendingLimits From(NewsletterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SendingLimits(options.MaxPerHour, options.MaxPerDay, options.WarmupCaps);
    }

    /// <summary>The day's cap: the configured one and the warm-up's, whichever is lower; null when neither applies.</summary>
    public long? DailyCap(DateOnly warmupStart, DateOnly day, out int warmupDay)
    {
        warmupDay = day.DayNumber - warmupStart.DayNumber + 1;
        long? cap = maxPerDay > 0 ? maxPerDay : null;
        if (warmupDay >= 1 && warmupDay <= warmupCaps.Count)
        {
            cap = Math.Min(cap ?? long.MaxValue, warmupCaps[warmupDay - 1]);
        }
        else if (warmupDay < 1 && warmupCaps.Count > 0)
        {
            // A start date still ahead: the account has not begun, so the first day's cap holds.
            cap = Math.Min(cap ?? long.MaxValue, warmupCaps[0]);
        }

        return cap;
    }

    public SendingAllowance Allowance(DateOnly warmupStart, DateTimeOffset now, long sentThisHour, long sentToday)
    {
        var utc = now.ToUniversalTime();
        var today = DateOnly.FromDateTime(utc.UtcDateTime);
        var nextDay = new DateTimeOffset(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var nextHour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        var allowed = long.MaxValue;
        DateTimeOffset? until = null;
        string? reason = null;

        if (DailyCap(warmupStart, today, out var warmupDay) is { } dayCap)
        {
            allowed = Math.Max(0, dayCap - sentToday);
            if (allowed == 0)
            {
                until = nextDay;
                reason = warmupDay >= 1 && warmupDay <= warmupCaps.Count && warmupCaps[warmupDay - 1] == dayCap
                    ? $"the warm-up's cap of {dayCap:N0} emails on its day {warmupDay} (of {warmupCaps.Count}) is reached"
                    : $"the daily cap of {dayCap:N0} emails is reached";
            }
        }

        if (maxPerHour > 0 && allowed > 0)
        {
            allowed = Math.Min(allowed, Math.Max(0, maxPerHour - sentThisHour));
            if (allowed == 0)
            {
                until = nextHour;
                reason = $"the hourly cap of {maxPerHour:N0} emails is reached";
            }
        }

        return new SendingAllowance((int)Math.Min(allowed, int.MaxValue), until, reason);
    }
}
