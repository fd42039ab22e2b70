using System.Globalization;

namespace Syndication.Core.Time;

/// <summary>
/// The one reading of an HTTP <c>Retry-After</c> header (RFC 9110 §10.2.3), for the upstream
/// feed poller and the mail transport alike: delta-seconds (<c>120</c>) or an HTTP-date (IMF-fixdate,
/// and the obsolete RFC 850 and asctime forms a recipient must accept), as a wait from now.
/// <list type="bullet">
/// <item>A date already past is no wait (<see cref="TimeSpan.Zero"/>): the server is ready.</item>
/// <item>A wait longer than the caller's cap, a delta too big for any integer included, is the cap:
/// a server's wish never parks a feed or a send for ever.</item>
/// <item>Anything else (empty, a negative number, a fraction, words, a date with a zone other than
/// GMT) is no answer (null), and the caller keeps its own back-off.</item>
/// </list>
/// </summary>
public static class RetryAfter
{
    /// <summary>The cap when the caller names none: a day.</summary>
    public static readonly TimeSpan DefaultCap = TimeSpan.FromDays(1);

    private static readonly string[] HttpDateFormats =
    [
        "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd-MMM-yy HH':'mm':'ss 'GMT'", // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        "ddd MMM d HH':'mm':'ss yyyy", // asctime: Sun Nov  6 08:49:37 1994
    ];

    /// <param name="value">The header's value as received (null when absent).</param>
    /// <param name="now">The caller's clock (its <see cref="TimeProvider"/>), which an HTTP-date is measured from.</param>
    /// <param name="cap">The longest wait returned; <see cref="DefaultCap"/> when null.</param>
    public static TimeSpan? Parse(string? value, DateTimeOffset now, TimeSpan? cap = null)
    {
        var limit = cap ?? DefaultCap;
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, TimeSpan.Zero, nameof(cap));
        var text = value.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return null;
        }

        if (IsDigits(text))
        {
            // 1*DIGIT: too many digits for a long is still a (huge) wait, so the cap.
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= limit.TotalSeconds
                ? TimeSpan.FromSeconds(seconds)
                : limit;
        }

        if (DateTimeOffset.TryParseExact(text, HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite | DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - now;
            return wait <= TimeSpan.Zero ? TimeSpan.Zero : wait > limit ? limit : wait;
        }

        return null;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
