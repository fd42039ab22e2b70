// Long on purpose: most of it is the tables of what real feeds do to dates (zone names, month and
// weekday names in five languages) and the one lenient RFC 822 scanner that reads them.
namespace Syndication.Core.Ingestion.Feeds;

/// <summary>
/// Reads the dates real feeds write: RFC 822/1123 in RSS with its usual damage (named zones, no
/// weekday or a wrong one, two-digit years, no seconds, <c>HHMM</c> times, month and weekday names
/// in Portuguese, Spanish, French, German or Italian) and ISO 8601/RFC 3339 in Atom, RDF
/// (<c>dc:date</c>), JSON Feed and the RSS feeds that use it anyway. Every result is a UTC instant.
/// </summary>
/// <remarks>
/// A date that cannot be read is <c>null</c> rather than an error: one bad <c>pubDate</c> should not
/// cost the whole feed, and the caller can still fall back to the feed's own date or the clock.
/// A date without a zone is taken as UTC (RFC 2822's "-0000": local time unknown).
/// </remarks>
public static class FeedDates
{
    private const int MaxTokens = 10;

    /// <summary>Parses an RFC 822 or ISO 8601 date; ambiguous zone names follow <paramref name="zones"/> (India for IST by default).</summary>
    public static DateTimeOffset? Parse(string? text, ZoneAbbreviations? zones = null) =>
        text is null ? null : Parse(text.AsSpan(), zones);

    public static DateTimeOffset? Parse(ReadOnlySpan<char> text, ZoneAbbreviations? zones = null)
    {
        text = text.Trim();
        if (text.Length < 6)
        {
            return null;
        }

        return LooksIso(text) ? ParseIso(text, zones ?? ZoneAbbreviations.Default) : ParseRfc822(text, zones ?? ZoneAbbreviations.Default);
    }

    private static bool LooksIso(ReadOnlySpan<char> text) =>
        text.Length >= 10 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[1]) && char.IsAsciiDigit(text[2]) && char.IsAsciiDigit(text[3]) && text[4] == '-';

    /// <summary>RFC 3339 and the ISO 8601 shapes around it: <c>2017-01-07T09:00:01.123-05:00</c>, a space for the T, no seconds, no zone, a date alone.</summary>
    private static DateTimeOffset? ParseIso(ReadOnlySpan<char> s, ZoneAbbreviations zones)
    {
        if (!Digits(s, 0, 4, out var year) || s[4] != '-' || !Digits(s, 5, 2, out var month) || s[7] != '-' || !Digits(s, 8, 2, out var day))
        {
            return null;
        }

        int hour = 0, minute = 0, second = 0;
        long ticks = 0;
        var offset = TimeSpan.Zero;
        var i = 10;
        if (i < s.Length && (s[i] is 'T' or 't' or ' '))
        {
            i++;
            if (!Digits(s, i, 2, out hour) || i + 2 >= s.Length || s[i + 2] != ':' || !Digits(s, i + 3, 2, out minute))
            {
                return null;
            }

            i += 5;
            if (i < s.Length && s[i] == ':')
            {
                if (!Digits(s, i + 1, 2, out second))
                {
                    return null;
                }

                i += 3;
                if (i < s.Length && (s[i] is '.' or ','))
                {
                    // Fractions beyond 100 ns are dropped; feeds write milliseconds at most.
                    i++;
                    var scale = TimeSpan.TicksPerSecond / 10;
                    for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
                    {
                        ticks += (s[i] - '0') * scale;
                        scale /= 10;
                    }
                }
            }

            var zone = s[i..].Trim();
            if (!zone.IsEmpty && !TryNumericOrNamedZone(zone, zones, out offset))
            {
                return null;
            }
        }
        else if (i < s.Length)
        {
            return null;
        }

        return Compose(year, month, day, hour, minute, second, offset, ticks);
    }

    /// <summary>
    /// RFC 822 read token by token, so the pieces may be missing or out of order the way real feeds
    /// write them: <c>Sat, 07 Jan 2017 15:20:37 +0000</c>, <c>07 Jan 2017 17:12:53 +0300</c>,
    /// <c>03 Apr 02 1500 GMT</c>, <c>Seg, 24 Set 2018 19:42:40 -0300</c>, <c>Saturday, January 7, 2017 3:20 PM EST</c>.
    /// The weekday is never checked: feeds get it wrong and the numbers are what the publisher meant.
    /// </summary>
    private static DateTimeOffset? ParseRfc822(ReadOnlySpan<char> s, ZoneAbbreviations zones)
    {
        Span<Range> tokens = stackalloc Range[MaxTokens];
        var count = Tokenize(s, tokens);
        if (count == 0)
        {
            return null;
        }

        int day = -1, month = -1, year = -1, hour = -1, minute = 0, second = 0;
        TimeSpan? offset = null;
        var pm = false;
        var am = false;
        for (var t = 0; t < count; t++)
        {
            var token = s[tokens[t]];
            if (char.IsAsciiLetter(token[0]) || token[0] > 127)
            {
                if (token.Equals("PM", StringComparison.OrdinalIgnoreCase))
                {
                    pm = true;
                }
                else if (token.Equals("AM", StringComparison.OrdinalIgnoreCase))
                {
                    am = true;
                }
                else if (hour < 0 && month < 0 && !IsWeekdayPosition(s, tokens, t, count) && MonthNumber(token) is > 0 and var m)
                {
                    month = m;
                }
                else if (hour >= 0 || year >= 0)
                {
                    // After the date or time, a word is a zone, possibly with an offset ("GMT+0530").
                    if (offset is not null || !TryNumericOrNamedZone(token, zones, out var zoneOffset))
                    {
                        return null;
                    }

                    offset = zoneOffset;
                }

                // Otherwise a weekday, in whatever language: ignored.
                continue;
            }

            if (token[0] is '+' or '-')
            {
                if (offset is not null || !TryNumericZone(token, out var numeric))
                {
                    return null;
                }

                offset = numeric;
                continue;
            }

            if (token.Contains(':'))
            {
                if (hour >= 0 || !TryTime(token, zones, ref hour, ref minute, ref second, ref offset))
                {
                    return null;
                }

                continue;
            }

            if (token.Length > 4 || !AllDigits(token))
            {
                return null;
            }

            var value = int.Parse(token, provider: System.Globalization.CultureInfo.InvariantCulture);
            if (day < 0 && token.Length <= 2)
            {
                day = value;
            }
            else if (year < 0 && day > 0 && month > 0 && token.Length is 2 or 3 or 4)
            {
                year = token.Length switch
                {
                    // RFC 2822 4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999; three digits add 1900.
                    2 => value < 50 ? 2000 + value : 1900 + value,
                    3 => 1900 + value,
                    _ => value,
                };
            }
            else if (hour < 0 && year > 0 && token.Length == 4)
            {
                // "1500": a time without its colon.
                hour = value / 100;
                minute = value % 100;
            }
            else
            {
                return null;
            }
        }

        if (day < 0 || month < 0 || year < 0)
        {
            return null;
        }

        if (hour < 0)
        {
            hour = 0;
        }
        else if (pm && hour is >= 1 and < 12)
        {
            hour += 12;
        }
        else if (am && hour == 12)
        {
            hour = 0;
        }

        return Compose(year, month, day, hour, minute, second, offset ?? TimeSpan.Zero, 0);
    }

    /// <summary>A leading word followed by a comma, or by a day number and then a month name, is a weekday.</summary>
    private static bool IsWeekdayPosition(ReadOnlySpan<char> s, ReadOnlySpan<Range> tokens, int index, int count)
    {
        if (index != 0)
        {
            return false;
        }

        var end = tokens[0].End.GetOffset(s.Length);
        if (end < s.Length && s[end] == ',')
        {
            // "Mar, 07 ..." is Tuesday in Spanish unless no other month follows.
            for (var t = 1; t < count; t++)
            {
                var token = s[tokens[t]];
                if ((char.IsAsciiLetter(token[0]) || token[0] > 127) && MonthNumber(token) > 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static int Tokenize(ReadOnlySpan<char> s, Span<Range> tokens)
    {
        var count = 0;
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && (char.IsWhiteSpace(s[i]) || s[i] == ','))
            {
                i++;
            }

            if (i >= s.Length)
            {
                break;
            }

            var start = i;
            while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] != ',')
            {
                i++;
            }

            if (count == tokens.Length)
            {
                return 0;
            }

            var end = i;

            // "janv." and "Sept." carry an abbreviation dot.
            while (end > start + 1 && s[end - 1] == '.')
            {
                end--;
            }

            tokens[count++] = new Range(start, end);
        }

        return count;
    }

    private static bool TryTime(ReadOnlySpan<char> token, ZoneAbbreviations zones, ref int hour, ref int minute, ref int second, ref TimeSpan? offset)
    {
        // H:MM, HH:MM, HH:MM:SS, optionally with the zone glued on ("15:20:37Z", "15:20:37+01:00").
        var firstColon = token.IndexOf(':');
        if (firstColon is < 1 or > 2 || !Digits(token, 0, firstColon, out hour) || !Digits(token, firstColon + 1, 2, out minute))
        {
            return false;
        }

        var i = firstColon + 3;
        if (i < token.Length && token[i] == ':')
        {
            if (!Digits(token, i + 1, 2, out second))
            {
                return false;
            }

            i += 3;
            if (i < token.Length && token[i] == '.')
            {
                i++;
                while (i < token.Length && char.IsAsciiDigit(token[i]))
                {
                    i++;
                }
            }
        }

        if (i == token.Length)
        {
            return true;
        }

        if (offset is not null || !TryNumericOrNamedZone(token[i..], zones, out var glued))
        {
            return false;
        }

        offset = glued;
        return true;
    }

    private static bool TryNumericOrNamedZone(ReadOnlySpan<char> zone, ZoneAbbreviations zones, out TimeSpan offset)
    {
        if (zone[0] is '+' or '-')
        {
            return TryNumericZone(zone, out offset);
        }

        if (zones.TryGetOffset(zone, out offset))
        {
            return true;
        }

        // "GMT+05:30", "UTC-3": an offset from UTC spelled after its name.
        var sign = zone.IndexOfAny('+', '-');
        if (sign > 0 && zones.TryGetOffset(zone[..sign], out var baseOffset) && TryNumericZone(zone[sign..], out var extra))
        {
            offset = baseOffset + extra;
            return true;
        }

        return false;
    }

    /// <summary><c>+0530</c>, <c>+05:30</c>, <c>-03</c>, <c>+5</c>.</summary>
    private static bool TryNumericZone(ReadOnlySpan<char> zone, out TimeSpan offset)
    {
        offset = default;
        var negative = zone[0] == '-';
        var digits = zone[1..];
        int hours, minutes = 0;
        if (digits.Length == 5 && digits[2] == ':')
        {
            if (!Digits(digits, 0, 2, out hours) || !Digits(digits, 3, 2, out minutes))
            {
                return false;
            }
        }
        else if (digits.Length == 4)
        {
            if (!Digits(digits, 0, 2, out hours) || !Digits(digits, 2, 2, out minutes))
            {
                return false;
            }
        }
        else if (digits.Length is 1 or 2)
        {
            if (!Digits(digits, 0, digits.Length, out hours))
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (negative)
        {
            offset = -offset;
        }

        return true;
    }

    private static DateTimeOffset? Compose(int year, int month, int day, int hour, int minute, int second, TimeSpan offset, long ticks)
    {
        if (year is < 1000 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 24 || minute > 59 || second > 60)
        {
            return null;
        }

        // 24:00 is midnight at the end of the day; second 60 is a leap second, folded into the next.
        var extra = TimeSpan.Zero;
        if (hour == 24)
        {
            if (minute != 0 || second != 0)
            {
                return null;
            }

            hour = 0;
            extra = TimeSpan.FromDays(1);
        }

        if (second == 60)
        {
            second = 59;
            extra += TimeSpan.FromSeconds(1);
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks) + extra;
        return new DateTimeOffset(local - offset, TimeSpan.Zero);
    }

    /// <summary>
    /// Month names by their first letters in English, Portuguese, Spanish, French, German, Italian
    /// and Dutch (the languages of the news feeds we meet). No two of them give one prefix two months.
    /// </summary>
    internal static int MonthNumber(ReadOnlySpan<char> word)
    {
        if (word.Length is < 3 or > 10)
        {
            return -1;
        }

        Span<char> lower = stackalloc char[4];
        var n = Math.Min(4, word.Length);
        for (var i = 0; i < n; i++)
        {
            var c = word[i];
            if (!char.IsLetter(c))
            {
                return -1;
            }

            lower[i] = char.ToLowerInvariant(c);
        }

        var prefix = lower[..3];
        if (prefix is "jui")
        {
            // French juin / juillet share three letters.
            return n < 4 ? -1 : lower[3] switch { 'n' => 6, 'l' => 7, _ => -1 };
        }

        return prefix switch
        {
            "jan" or "ene" or "gen" or "jän" => 1,
            "feb" or "fev" or "fév" => 2,
            "mar" or "mär" or "mrz" or "mrt" => 3,
            "apr" or "abr" or "avr" => 4,
            "may" or "mai" or "mag" or "mei" => 5,
            "jun" or "giu" => 6,
            "jul" or "lug" => 7,
            "aug" or "ago" or "aoû" or "aou" => 8,
            "sep" or "set" => 9,
            "oct" or "out" or "okt" or "ott" => 10,
            "nov" => 11,
            "dec" or "dez" or "dic" or "déc" => 12,
            _ => -1,
        };
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int length, out int value)
    {
        value = 0;
        if (start < 0 || length <= 0 || start + length > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + length; i++)
        {
            var c = s[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return s.Length > 0;
    }
}
