namespace Syndication.Core.Trending;

/// <summary>
/// The UTC hour (hours since 1970) of a log line's <c>ts</c>, an RFC 3339 instant:
/// <c>yyyy-MM-ddTHH:mm:ss</c>, an optional fraction, then <c>Z</c> or <c>±hh:mm</c>. A time without
/// an offset is ambiguous and refused, as is an impossible date or time.
/// </summary>
/// <remarks>
/// Logs are written in time order, so consecutive lines nearly always share their hour: the
/// parser remembers the last <c>yyyy-MM-ddTHH</c> it read in UTC and its hour, which saves the
/// calendar arithmetic. One parser per log (it is not thread-safe).
/// </remarks>
internal sealed class UtcHourParser
{
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private readonly byte[] _lastHourPrefix = new byte[13];
    private int _lastHour = int.MinValue;

    /// <summary>False when <paramref name="ts"/> is not such an instant.</summary>
    public bool TryParse(ReadOnlySpan<byte> ts, out int hour)
    {
        hour = 0;
        if (ts.Length < 20
            || ts[4] != (byte)'-' || ts[7] != (byte)'-' || (ts[10] | 0x20) != (byte)'t'
            || ts[13] != (byte)':' || ts[16] != (byte)':'
            || !TwoDigits(ts, 14, out var minute) || minute > 59
            || !TwoDigits(ts, 17, out var second) || second > 60)
        {
            return false;
        }

        var rest = ts[19..];
        if (rest[0] == (byte)'.')
        {
            var digits = rest[1..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
            if (digits <= 0)
            {
                return false;
            }

            rest = rest[(1 + digits)..];
        }

        int offsetMinutes;
        if (rest.Length == 1 && (rest[0] | 0x20) == (byte)'z')
        {
            offsetMinutes = 0;
            if (_lastHour != int.MinValue && ts[..13].SequenceEqual(_lastHourPrefix))
            {
                hour = _lastHour;
                return true;
            }
        }
        else if (rest.Length == 6 && rest[0] is (byte)'+' or (byte)'-' && rest[3] == (byte)':'
            && TwoDigits(rest, 1, out var offsetHours) && offsetHours <= 23
            && TwoDigits(rest, 4, out var offsetMinute) && offsetMinute <= 59)
        {
            offsetMinutes = (rest[0] == (byte)'-' ? -1 : 1) * ((offsetHours * 60) + offsetMinute);
        }
        else
        {
            return false;
        }

        if (!TwoDigits(ts, 0, out var century) || !TwoDigits(ts, 2, out var yearOfCentury)
            || !TwoDigits(ts, 5, out var month) || !TwoDigits(ts, 8, out var day)
            || !TwoDigits(ts, 11, out var hourOfDay) || hourOfDay > 23)
        {
            return false;
        }

        var year = (century * 100) + yearOfCentury;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var days = new DateOnly(year, month, day).DayNumber - EpochDayNumber;
        var utcMinutes = ((long)days * 1440) + (hourOfDay * 60) + minute - offsetMinutes;
        hour = (int)((utcMinutes >= 0 ? utcMinutes : utcMinutes - 59) / 60); // floor, also before 1970
        if (offsetMinutes == 0)
        {
            ts[..13].CopyTo(_lastHourPrefix);
            _lastHour = hour;
        }

        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        var tens = s[at] - '0';
        var units = s[at + 1] - '0';
        value = (tens * 10) + units;
        return (uint)tens <= 9 && (uint)units <= 9;
    }
}
