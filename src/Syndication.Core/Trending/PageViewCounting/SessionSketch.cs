using System.Numerics;

namespace Syndication.Core.Trending;

/// <summary>
/// A HyperLogLog sketch of 4,096 one-byte registers (4 KiB, about 1.6% standard error): what a
/// bucket counts its sessions with once it has passed the exact limit (a front-page story in a big
/// edition), so its memory stays bounded however many readers arrive.
/// </summary>
internal static class SessionSketch
{
    private const int SketchBits = 12;
    public const int Registers = 1 << SketchBits;

    public static void Add(byte[] sketch, ulong value)
    {
        var hash = Mix(value);
        var register = (int)(hash >> (64 - SketchBits));
        // Rank of the first one bit in the remaining 52 bits (the guard bit caps it at 53).
        var rank = (byte)(BitOperations.LeadingZeroCount((hash << SketchBits) | (1UL << (SketchBits - 1))) + 1);
        if (sketch[register] < rank)
        {
            sketch[register] = rank;
        }
    }

    public static long Estimate(byte[] sketch)
    {
        double sum = 0;
        var zeros = 0;
        var powers = NegativePowersOfTwo;
        foreach (var rank in sketch)
        {
            sum += powers[rank]; // 2^-rank, exactly as Math.ScaleB(1.0, -rank) gives it
            zeros += rank == 0 ? 1 : 0;
        }

        const double m = Registers;
        var estimate = 0.7213 / (1 + (1.079 / m)) * m * m / sum;
        if (estimate <= 2.5 * m && zeros > 0)
        {
            estimate = m * Math.Log(m / zeros); // linear counting is better while registers are still empty
        }

        return (long)Math.Round(estimate);
    }

    // 2^-rank for every rank a register can hold (at most 53; a byte, so the table covers all 256).
    private static readonly double[] NegativePowersOfTwo = Enumerable.Range(0, 256).Select(r => Math.ScaleB(1.0, -r)).ToArray();

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
