using System.Runtime.InteropServices;

namespace Syndication.Core.Trending;

/// <summary>
/// The editions of one log, each named once in lower case and numbered in the order first seen;
/// names are matched without regard to ASCII case. At most <c>maxEditions</c> of them: past that
/// a new name is refused.
/// </summary>
internal sealed class EditionTable(int maxEditions)
{
    private const int ScannedEditions = 8; // editions compared byte for byte before the dictionary is asked

    private readonly List<byte[]> _editions = [];
    private readonly List<(uint Prefix, int Length)> _editionPrefixes = []; // each of _editions' first four bytes (zero-padded) and length
    private readonly Dictionary<string, int> _editionIndex = new(StringComparer.Ordinal); // case-folded name -> index, every edition

    /// <summary>The edition's number; -1 when it is new and the table is full.</summary>
    /// <param name="edition">ASCII, 1 to 64 bytes (the caller checks).</param>
    public int Intern(ReadOnlySpan<byte> edition)
    {
        // An edition as the producer writes it (lower case) is one of the first few seen, byte for
        // byte: its length and first four bytes pick it out before the bytes are compared.
        var prefix = Prefix(edition);
        var prefixes = _editionPrefixes;
        var scanned = Math.Min(prefixes.Count, ScannedEditions);
        for (var i = 0; i < scanned; i++)
        {
            if (prefixes[i] == (prefix, edition.Length) && _editions[i].AsSpan().SequenceEqual(edition))
            {
                return i;
            }
        }

        // Otherwise (another case, or a log naming many editions: a linear scan of them all would
        // cost lines x editions) the case-folded name is looked up by hash. Editions are ASCII and
        // at most 64 bytes (checked before).
        Span<char> folded = stackalloc char[edition.Length];
        System.Text.Ascii.ToLower(edition, folded, out _);
        var lookup = _editionIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(folded, out var known))
        {
            return known;
        }

        if (_editions.Count >= maxEditions)
        {
            return -1;
        }

        var lower = new byte[edition.Length];
        System.Text.Ascii.ToLower(edition, lower, out _);
        _editions.Add(lower);
        _editionPrefixes.Add((Prefix(lower), lower.Length));
        _editionIndex.Add(new string(folded), _editions.Count - 1);
        return _editions.Count - 1;

        static uint Prefix(ReadOnlySpan<byte> name) => name.Length >= 4
            ? MemoryMarshal.Read<uint>(name)
            : name.Length switch
            {
                3 => name[0] | ((uint)name[1] << 8) | ((uint)name[2] << 16),
                2 => name[0] | ((uint)name[1] << 8),
                1 => name[0],
                _ => 0,
            };
    }

    /// <summary>The editions' names, by number.</summary>
    public string[] Names() => _editions.Select(e => System.Text.Encoding.ASCII.GetString(e)).ToArray();
}
