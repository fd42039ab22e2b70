using System.Numerics;

namespace Syndication.Core.Trending;

/// <summary>
/// The distinct sessions seen in one bucket: exact while small, a HyperLogLog sketch once large.
/// </summary>
/// <remarks>
/// Almost every bucket (one article, one edition, one hour) sees a handful of sessions, so they
/// live inline in two fields and then in an open-addressing table of 64-bit hashes (8 bytes
/// each, no per-entry object). Only a bucket that passes the exact limit (a front-page story in a
/// big edition) switches to 4,096 one-byte registers (4 KiB, a quarter of the table it replaces),
/// about 1.6% standard error: well inside a ranking whose hysteresis margin is 10%, and bounded
/// however many readers arrive.
/// </remarks>
internal struct SessionSet
{
    private const int SketchBits = 12;
    private const int SketchRegisters = 1 << SketchBits;

    private ulong _first;
    private ulong _second;
    private ulong[]? _table;
    private byte[]? _sketch;
    private int _count;

    public readonly bool IsEstimated => _sketch is not null;

    /// <summary>Distinct sessions: exact, or the sketch's estimate once estimated.</summary>
    public readonly long Count => _sketch is null ? _count : Estimate(_sketch);

    /// <summary>Adds a session hash; false when it was (exactly) known already.</summary>
    public bool Add(ulong session, int exactLimit)
    {
        // Zero marks an empty slot; folding it onto one costs a 2^-64 chance of merging two sessions.
        session = session == 0 ? 1 : session;
        if (_sketch is not null)
        {
            AddToSketch(_sketch, session);
            return true;
        }

        if (_table is null)
        {
            if (_count == 0)
            {
                _first = session;
                _count = 1;
                return true;
            }

            if (_first == session || (_count == 2 && _second == session))
            {
                return false;
            }

            if (_count == 1 && exactLimit >= 2)
            {
                _second = session;
                _count = 2;
                return true;
            }

            if (_count >= exactLimit)
            {
                return SwitchToSketch(session);
            }

            _table = new ulong[8];
            Insert(_table, _first);
            if (_count == 2)
            {
                Insert(_table, _second);
            }
        }

        if (Contains(_table, session))
        {
            return false;
        }

        if (_count >= exactLimit)
        {
            return SwitchToSketch(session);
        }

        if ((_count + 1) * 2 > _table.Length)
        {
            var larger = new ulong[_table.Length * 2];
            foreach (var existing in _table)
            {
                if (existing != 0)
                {
                    Insert(larger, existing);
                }
            }

            _table = larger;
        }

        Insert(_table, session);
        _count++;
        return true;
    }

    private bool SwitchToSketch(ulong session)
    {
        var sketch = new byte[SketchRegisters];
        if (_table is null)
        {
            AddToSketch(sketch, _first);
            if (_count == 2)
            {
                AddToSketch(sketch, _second);
            }
        }
        else
        {
            foreach (var existing in _table)
            {
                if (existing != 0)
                {
                    AddToSketch(sketch, existing);
                }
            }
        }

        AddToSketch(sketch, session);
        _sketch = sketch;
        _table = null;
        return true;
    }

    private static int Slot(ulong session, int length) =>
        (int)(Mix(session) & (ulong)(length - 1));

    private static bool Contains(ulong[] table, ulong session)
    {
        for (var i = Slot(session, table.Length); ; i = (i + 1) & (table.Length - 1))
        {
            if (table[i] == session)
            {
                return true;
            }

            if (table[i] == 0)
            {
                return false;
            }
        }
    }

    private static void Insert(ulong[] table, ulong session)
    {
        var i = Slot(session, table.Length);
        while (table[i] != 0)
        {
            i = (i + 1) & (table.Length - 1);
        }

        table[i] = session;
    }

    private static void AddToSketch(byte[] sketch, ulong session)
    {
        var hash = Mix(session);
        var register = (int)(hash >> (64 - SketchBits));
        // Rank of the first one bit in the remaining 54 bits (the guard bit caps it at 55).
        var rank = (byte)(BitOperations.LeadingZeroCount((hash << SketchBits) | (1UL << (SketchBits - 1))) + 1);
        if (sketch[register] < rank)
        {
            sketch[register] = rank;
        }
    }

    private static long Estimate(byte[] sketch)
    {
        double sum = 0;
        var zeros = 0;
        foreach (var rank in sketch)
        {
            sum += Math.ScaleB(1.0, -rank);
            zeros += rank == 0 ? 1 : 0;
        }

        const double m = SketchRegisters;
        var estimate = 0.7213 / (1 + (1.079 / m)) * m * m / sum;
        if (estimate <= 2.5 * m && zeros > 0)
        {
            estimate = m * Math.Log(m / zeros); // linear counting is better while registers are still empty
        }

        return (long)Math.Round(estimate);
    }

    /// <summary>splitmix64's finalizer: session ids are random hex already, but a crafted or hashed one may not be.</summary>
    internal static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
