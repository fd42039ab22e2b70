using System.Runtime.InteropServices;

namespace Syndication.Core.Trending;

/// <summary>
/// Zeroed native memory for one aggregation's tables, freed all at once by <see cref="Dispose"/>
/// (or, failing that, the finalizer). Requests of 2 MiB and more are mapped on their own and, on
/// Linux, marked for transparent huge pages: the tables are megabytes probed at random, and in
/// 4 KiB pages nearly every probe missed the TLB and every first touch of a page faulted (on this
/// VM a fault costs microseconds, and a run of a million lines took thousands). Requests from
/// 64 KiB are carved from shared 2 MiB chunks mapped the same way; smaller ones come from the
/// native heap.
/// </summary>
/// <remarks>
/// A table that grows gives its old memory back with <see cref="Release"/> when it had a mapping
/// or heap block of its own; what was carved from a shared chunk stays until the end (at most the
/// chunks' 2 MiB each).
/// </remarks>
internal sealed unsafe class NativeArena : IDisposable
{
    private const nuint HugePage = 2 * 1024 * 1024;
    private const nuint SmallRequest = 64 * 1024;

    // By the address handed out (a chunk by its start, marked so it is never released alone).
    private readonly Dictionary<nint, (nint Base, nuint Bytes, bool Mapped, bool Chunk)> _blocks = [];
    private byte* _next;
    private nuint _left;
    private readonly bool _hugePages;
    private long _pressure;

    /// <param name="hugePages">False: every request from the native heap on its own (<see cref="NativeMemory.AlignedAlloc"/>), no mapping, no shared chunk.</param>
    public NativeArena(bool hugePages = true) => _hugePages = hugePages;

    ~NativeArena() => Free();

    /// <summary>Zeroed memory of at least <paramref name="bytes"/> bytes, 64-byte aligned, valid until released or the arena is disposed.</summary>
    public void* Allocate(nuint bytes)
    {
        bytes = (bytes + 63) & ~(nuint)63;
        if (bytes < SmallRequest || !_hugePages)
        {
            var small = NativeMemory.AlignedAlloc(bytes, 64);
            NativeMemory.Clear(small, bytes);
            Track((nint)small, ((nint)small, bytes, false, false));
            return small;
        }

        if (bytes >= HugePage)
        {
            return Map(bytes, chunk: false);
        }

        if (bytes > _left)
        {
            _next = (byte*)Map(HugePage, chunk: true);
            _left = HugePage;
        }

        var at = _next;
        _next += bytes;
        _left -= bytes;
        return at;
    }

    /// <summary>Gives back memory from <see cref="Allocate"/> that is no longer used; what came from a shared chunk stays until the end.</summary>
    public void Release(void* memory)
    {
        if (memory != null && _blocks.TryGetValue((nint)memory, out var block) && !block.Chunk)
        {
            _blocks.Remove((nint)memory);
            FreeBlock(block);
        }
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void* Map(nuint bytes, bool chunk)
    {
        var size = (bytes + HugePage - 1) & ~(HugePage - 1);
        if (OperatingSystem.IsLinux())
        {
            var mapped = size + HugePage; // room to start on a huge-page boundary
            var address = Native.mmap(null, mapped, Native.ProtRead | Native.ProtWrite, Native.MapPrivate | Native.MapAnonymous, -1, 0);
            if (address != (void*)-1)
            {
                // Keep only the aligned part: the slack before and after it is unmapped at once.
                var aligned = ((nuint)address + HugePage - 1) & ~(HugePage - 1);
                var before = aligned - (nuint)address;
                if (before > 0)
                {
                    _ = Native.munmap(address, before);
                }

                if (HugePage - before > 0)
                {
                    _ = Native.munmap((void*)(aligned + size), HugePage - before);
                }

                _ = Native.madvise((void*)aligned, size, Native.MadvHugePage); // advice only: without it, ordinary pages
                Track((nint)aligned, ((nint)aligned, size, true, chunk));
                return (void*)aligned;
            }
        }

        var block = NativeMemory.AlignedAlloc(size, 64);
        NativeMemory.Clear(block, size);
        Track((nint)block, ((nint)block, size, false, chunk));
        return block;
    }

    private void Track(nint address, (nint Base, nuint Bytes, bool Mapped, bool Chunk) block)
    {
        _blocks.Add(address, block);
        _pressure += (long)block.Bytes;
        GC.AddMemoryPressure((long)block.Bytes);
    }

    private void FreeBlock((nint Base, nuint Bytes, bool Mapped, bool Chunk) block)
    {
        if (block.Mapped)
        {
            _ = Native.munmap((void*)block.Base, block.Bytes);
        }
        else
        {
            NativeMemory.AlignedFree((void*)block.Base);
        }

        _pressure -= (long)block.Bytes;
        GC.RemoveMemoryPressure((long)block.Bytes);
    }

    private void Free()
    {
        foreach (var block in _blocks.Values)
        {
            FreeBlock(block);
        }

        _blocks.Clear();
        _next = null;
        _left = 0;
    }

    private static class Native
    {
        public const int ProtRead = 1;
        public const int ProtWrite = 2;
        public const int MapPrivate = 2;
        public const int MapAnonymous = 0x20;
        public const int MadvHugePage = 14;

        [DllImport("libc", EntryPoint = "mmap")]
        public static extern void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

        [DllImport("libc", EntryPoint = "munmap")]
        public static extern int munmap(void* address, nuint length);

        [DllImport("libc", EntryPoint = "madvise")]
        public static extern int madvise(void* address, nuint length, int advice);
    }
}
