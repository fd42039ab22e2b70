using System.Runtime.InteropServices;

namespace Syndication.Core.Trending;

/// <summary>
/// Zeroed native memory for one aggregation's tables (the bucket arrays and the hours' session
/// tables), each block from <see cref="NativeMemory.AlignedAlloc"/>, freed when a table outgrows it
/// (<see cref="Release"/>) or all at once by <see cref="Dispose"/> (or, failing that, the
/// finalizer). Native rather than managed so that growing a table is a plain copy and the tables
/// never sit in the GC's heaps; the GC is told of their size.
/// </summary>
/// <remarks>
/// The plain allocator rather than an arena of huge pages (2 MiB mappings advised with
/// <c>madvise</c>): the arena did not make the count steadily faster by the tenth that would pay
/// for its code (docs/benchmarks.md, "Huge pages or the native heap").
/// </remarks>
internal sealed unsafe class NativeTableMemory : IDisposable
{
    // By the address handed out.
    private readonly Dictionary<nint, nuint> _blocks = [];

    ~NativeTableMemory() => Free();

    /// <summary>Zeroed memory of at least <paramref name="bytes"/> bytes, 64-byte aligned (a cache line), valid until released or disposed.</summary>
    public void* Allocate(nuint bytes)
    {
        bytes = (bytes + 63) & ~(nuint)63;
        var block = NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(block, bytes);
        _blocks.Add((nint)block, bytes);
        GC.AddMemoryPressure((long)bytes);
        return block;
    }

    /// <summary>Gives back memory from <see cref="Allocate"/> that is no longer used.</summary>
    public void Release(void* memory)
    {
        if (memory != null && _blocks.Remove((nint)memory, out var bytes))
        {
            FreeBlock((nint)memory, bytes);
        }
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private static void FreeBlock(nint block, nuint bytes)
    {
        NativeMemory.AlignedFree((void*)block);
        GC.RemoveMemoryPressure((long)bytes);
    }

    private void Free()
    {
        foreach (var (block, bytes) in _blocks)
        {
            FreeBlock(block, bytes);
        }

        _blocks.Clear();
    }
}
