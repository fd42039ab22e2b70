using System.Buffers;

namespace Syndication.Core.Trending;

/// <summary>
/// Turns a page-view log (JSON Lines: <c>{"ts","article","edition","session","agent"}</c>) into
/// hourly human view counts per edition and article key.
/// </summary>
/// <remarks>
/// Streams the log through one pooled buffer, so memory follows the number of distinct
/// (edition, article, hour) keys and never the size of the file. Nothing in a line is fatal: a
/// line that is not a page view is counted and its number reported.
/// </remarks>
public static class PageViewAggregator
{
    /// <summary>Aggregates a log already in memory.</summary>
    public static PageViewAggregation Aggregate(ReadOnlySpan<byte> utf8Lines, PageViewAggregatorOptions? options = null)
    {
        options ??= PageViewAggregatorOptions.Default;
        options.Validate();
        using var accumulator = new PageViewAccumulator(options);
        while (!utf8Lines.IsEmpty)
        {
            var newline = utf8Lines.IndexOf((byte)'\n');
            var line = newline < 0 ? utf8Lines : utf8Lines[..newline];
            // The same limit as the stream path, so both count the same lines as malformed.
            if (line.Length >= options.MaxLineBytes)
            {
                accumulator.OverlongLine();
            }
            else
            {
                accumulator.Line(line);
            }

            utf8Lines = newline < 0 ? default : utf8Lines[(newline + 1)..];
        }

        return accumulator.Finish();
    }

    /// <summary>Aggregates a log read from <paramref name="utf8Lines"/> to its end.</summary>
    public static PageViewAggregation Aggregate(Stream utf8Lines, PageViewAggregatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(utf8Lines);
        options ??= PageViewAggregatorOptions.Default;
        options.Validate();
        using var accumulator = new PageViewAccumulator(options);
        using var splitter = new LineSplitter(options, accumulator);
        int read;
        while ((read = utf8Lines.Read(splitter.FreeSpace().Span)) > 0)
        {
            splitter.Commit(read);
        }

        splitter.Complete();
        return accumulator.Finish();
    }

    /// <summary>Aggregates a log read asynchronously (a blob stream) to its end.</summary>
    public static async Task<PageViewAggregation> AggregateAsync(Stream utf8Lines, PageViewAggregatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Lines);
        options ??= PageViewAggregatorOptions.Default;
        options.Validate();
        using var accumulator = new PageViewAccumulator(options);
        using var splitter = new LineSplitter(options, accumulator);
        int read;
        while ((read = await utf8Lines.ReadAsync(splitter.FreeSpace(), cancellationToken)) > 0)
        {
            splitter.Commit(read);
        }

        splitter.Complete();
        return accumulator.Finish();
    }

    /// <summary>
    /// Cuts a stream into lines in one pooled buffer. A line split across reads stays in the buffer
    /// until its newline arrives; the buffer grows only while a single line does not fit, up to the
    /// line limit, past which the line is skipped to its newline and counted as malformed.
    /// </summary>
    private sealed class LineSplitter(PageViewAggregatorOptions options, PageViewAccumulator accumulator) : IDisposable
    {
        // The pool may hand out a larger array; _capacity is what we use of it, so a tiny
        // BufferSize really splits lines and MaxLineBytes is exact.
        private int _capacity = Math.Min(options.BufferSize, options.MaxLineBytes);
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(options.BufferSize, options.MaxLineBytes));
        private int _lineStart;
        private int _filled;
        private bool _skippingOverlongLine;

        public Memory<byte> FreeSpace()
        {
            if (_filled == _capacity)
            {
                MakeRoom();
            }

            return _buffer.AsMemory(_filled, _capacity - _filled);
        }

        public void Commit(int read)
        {
            var scanFrom = _filled;
            _filled += read;
            while (true)
            {
                var newline = _buffer.AsSpan(scanFrom, _filled - scanFrom).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    return;
                }

                var lineEnd = scanFrom + newline;
                if (_skippingOverlongLine)
                {
                    _skippingOverlongLine = false;
                    accumulator.OverlongLine();
                }
                else
                {
                    accumulator.Line(_buffer.AsSpan(_lineStart, lineEnd - _lineStart));
                }

                _lineStart = scanFrom = lineEnd + 1;
            }
        }

        public void Complete()
        {
            if (_skippingOverlongLine)
            {
                _skippingOverlongLine = false;
                accumulator.OverlongLine();
            }
            else if (_lineStart < _filled)
            {
                accumulator.Line(_buffer.AsSpan(_lineStart, _filled - _lineStart));
            }

            _lineStart = _filled = 0;
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

        private void MakeRoom()
        {
            var pending = _filled - _lineStart;
            if (_lineStart > 0)
            {
                // Keep the unfinished line: move it to the front, so the buffer never holds more than one line's tail.
                _buffer.AsSpan(_lineStart, pending).CopyTo(_buffer);
                _lineStart = 0;
                _filled = pending;
            }
            else if (_capacity < options.MaxLineBytes && !_skippingOverlongLine)
            {
                _capacity = (int)Math.Min(Math.Max(_capacity * 2L, 16), options.MaxLineBytes);
                if (_capacity > _buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(_capacity);
                    _buffer.AsSpan(0, _filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = larger;
                }
            }
            else
            {
                // One line fills the whole buffer at its limit: drop what we have and skip to its newline.
                _skippingOverlongLine = true;
                _lineStart = _filled = 0;
            }
        }
    }
}
