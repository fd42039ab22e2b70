using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Syndication.Core.Ingestion.Feeds;

/// <summary>
/// What a time zone abbreviation in a feed date means. Most are unambiguous; a few (IST, CST, BST,
/// AST) name different zones in different countries, so the meaning is a rule of the source:
/// <see cref="Default"/> reads IST as India (+05:30), the publisher's home market, and
/// <see cref="ForSource"/> picks the Irish, Israeli, Chinese or Bangladeshi reading for sources
/// that mean those.
/// </summary>
public sealed class ZoneAbbreviations
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static readonly Dictionary<string, TimeSpan> Unambiguous = new(StringComparer.OrdinalIgnoreCase)
    {
        // RFC 822 itself.
        ["UT"] = TimeSpan.Zero,
        ["UTC"] = TimeSpan.Zero,
        ["GMT"] = TimeSpan.Zero,
        ["Z"] = TimeSpan.Zero,
        ["EST"] = -5 * Hour,
        ["EDT"] = -4 * Hour,
        ["CDT"] = -5 * Hour,
        ["MST"] = -7 * Hour,
        ["MDT"] = -6 * Hour,
        ["PST"] = -8 * Hour,
        ["PDT"] = -7 * Hour,

        // Others that news feeds write.
        ["WET"] = TimeSpan.Zero,
        ["WEST"] = Hour,
        ["CET"] = Hour,
        ["CEST"] = 2 * Hour,
        ["MEZ"] = Hour,
        ["MESZ"] = 2 * Hour,
        ["MET"] = Hour,
        ["MEST"] = 2 * Hour,
        ["EET"] = 2 * Hour,
        ["EEST"] = 3 * Hour,
        ["MSK"] = 3 * Hour,
        ["EAT"] = 3 * Hour,
        ["SAST"] = 2 * Hour,
        ["WAT"] = Hour,
        ["PKT"] = 5 * Hour,
        ["NPT"] = new TimeSpan(5, 45, 0),
        ["ICT"] = 7 * Hour,
        ["WIB"] = 7 * Hour,
        ["SGT"] = 8 * Hour,
        ["HKT"] = 8 * Hour,
        ["AWST"] = 8 * Hour,
        ["JST"] = 9 * Hour,
        ["KST"] = 9 * Hour,
        ["ACST"] = new TimeSpan(9, 30, 0),
        ["ACDT"] = new TimeSpan(10, 30, 0),
        ["AEST"] = 10 * Hour,
        ["AEDT"] = 11 * Hour,
        ["NZST"] = 12 * Hour,
        ["NZDT"] = 13 * Hour,
        ["AKST"] = -9 * Hour,
        ["AKDT"] = -8 * Hour,
        ["HST"] = -10 * Hour,
        ["ADT"] = -3 * Hour,
        ["NST"] = -new TimeSpan(3, 30, 0),
        ["NDT"] = -new TimeSpan(2, 30, 0),
        ["BRT"] = -3 * Hour,
        ["ART"] = -3 * Hour,
    };

    /// <summary>The readings of the ambiguous names unless a source says otherwise.</summary>
    private static readonly Dictionary<string, TimeSpan> AmbiguousDefaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["IST"] = new TimeSpan(5, 30, 0), // India; also Irish (+01:00) and Israel (+02:00) Standard Time.
        ["CST"] = -6 * Hour, // US Central (RFC 822); also China (+08:00).
        ["BST"] = Hour, // British Summer Time; also Bangladesh (+06:00).
        ["AST"] = -4 * Hour, // Atlantic; also Arabia (+03:00).
    };

    /// <summary>
    /// Per-source rules: a feed host (or a country domain it ends with) and the reading of the
    /// ambiguous names there. The first matching host wins, so exact hosts come before domains.
    /// </summary>
    private static readonly (string Host, string Abbreviation, TimeSpan Offset)[] SourceRules =
    [
        ("breakingnews.ie", "IST", Hour),
        ("irishtimes.com", "IST", Hour),
        ("independent.ie", "IST", Hour),
        ("rte.ie", "IST", Hour),
        (".ie", "IST", Hour),
        ("timesofisrael.com", "IST", 2 * Hour),
        ("haaretz.com", "IST", 2 * Hour),
        ("jpost.com", "IST", 2 * Hour),
        (".il", "IST", 2 * Hour),
        ("scmp.com", "CST", 8 * Hour),
        ("chinadaily.com.cn", "CST", 8 * Hour),
        (".cn", "CST", 8 * Hour),
        (".bd", "BST", 6 * Hour),
        ("arabnews.com", "AST", 3 * Hour),
        (".sa", "AST", 3 * Hour),
    ];

    /// <summary>Built once per host: a pipeline reads the same few sources over and over.</summary>
    private static readonly ConcurrentDictionary<string, ZoneAbbreviations> ByHost = new(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, TimeSpan> _offsets;
    private readonly FrozenDictionary<string, TimeSpan>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private ZoneAbbreviations(Dictionary<string, TimeSpan> offsets)
    {
        _offsets = offsets.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _lookup = _offsets.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>IST is India (+05:30), CST US Central, BST British Summer Time, AST Atlantic.</summary>
    public static ZoneAbbreviations Default { get; } = new(Merge(AmbiguousDefaults));

    /// <summary>The rules for a feed from <paramref name="host"/> (e.g. <c>feeds.breakingnews.ie</c>); <see cref="Default"/> for unknown hosts.</summary>
    public static ZoneAbbreviations ForSource(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return Default;
        }

        return ByHost.GetOrAdd(host, static h =>
        {
            Dictionary<string, TimeSpan>? chosen = null;
            foreach (var (ruleHost, abbreviation, offset) in SourceRules)
            {
                var matches = ruleHost[0] == '.'
                    ? h.EndsWith(ruleHost, StringComparison.OrdinalIgnoreCase)
                    : h.Equals(ruleHost, StringComparison.OrdinalIgnoreCase) || h.EndsWith("." + ruleHost, StringComparison.OrdinalIgnoreCase);
                if (matches)
                {
                    // The first (most specific) rule for a name wins.
                    chosen ??= new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);
                    chosen.TryAdd(abbreviation, offset);
                }
            }

            if (chosen is null)
            {
                return Default;
            }

            var all = Merge(AmbiguousDefaults);
            foreach (var (name, offset) in chosen)
            {
                all[name] = offset;
            }

            return new ZoneAbbreviations(all);
        });
    }

    /// <summary>The same rules with one name read as <paramref name="offset"/>.</summary>
    public ZoneAbbreviations With(string abbreviation, TimeSpan offset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(abbreviation);
        var copy = new Dictionary<string, TimeSpan>(_offsets, StringComparer.OrdinalIgnoreCase) { [abbreviation] = offset };
        return new ZoneAbbreviations(copy);
    }

    public bool TryGetOffset(ReadOnlySpan<char> abbreviation, out TimeSpan offset) => _lookup.TryGetValue(abbreviation, out offset);

    private static Dictionary<string, TimeSpan> Merge(Dictionary<string, TimeSpan> ambiguous)
    {
        var all = new Dictionary<string, TimeSpan>(Unambiguous, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, offset) in ambiguous)
        {
            all[name] = offset;
        }

        return all;
    }
}
