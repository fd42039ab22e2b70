using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.VisualBasic.FileIO;

namespace Syndication.Core.Newsletters;

/// <summary>One line of a subscriber CSV: its fields, or why it is skipped.</summary>
public readonly record struct CsvLine(long Number, string[]? Fields, string? Skipped);

/// <summary>
/// Reads a subscriber CSV (<c>email,edition,sectors,cadence,status</c>) line by line, each line on
/// its own: no field of ours spans lines, so an unclosed quote costs its line, not the rest of the
/// file; a line longer than <see cref="MaxLineLength"/> is skipped as it streams past, never held
/// whole (a file of one huge field costs its length in time, not in memory); and whatever reading
/// a line throws skips that line with the reason.
/// </summary>
public static class SubscriberCsv
{
    /// <summary>Characters of one line: a subscriber's row is under 300.</summary>
    public const int MaxLineLength = 4096;

    public static async IAsyncEnumerable<CsvLine> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var buffer = new char[8192];
        var line = new StringBuilder();
        var overlong = false;
        long number = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n')
                {
                    continue;
                }

                Append(buffer.AsSpan(start, i - start));
                start = i + 1;
                if (Complete() is { } done)
                {
                    yield return done;
                }
            }

            Append(buffer.AsSpan(start, read - start));
        }

        if (line.Length > 0 || overlong)
        {
            if (Complete() is { } last)
            {
                yield return last;
            }
        }

        void Append(ReadOnlySpan<char> part)
        {
            if (overlong)
            {
                return;
            }

            if (line.Length + part.Length > MaxLineLength)
            {
                overlong = true;
                line.Clear();
                return;
            }

            line.Append(part);
        }

        CsvLine? Complete()
        {
            number++;
            var wasOverlong = overlong;
            var text = line.ToString().TrimEnd('\r');
            line.Clear();
            overlong = false;
            if (wasOverlong)
            {
                return new CsvLine(number, null, $"longer than {MaxLineLength:N0} characters, the limit per line");
            }

            return string.IsNullOrWhiteSpace(text) ? null : Parse(number, text);
        }
    }

    /// <summary>The fields of one line, or why it is skipped.</summary>
    public static CsvLine Parse(long number, string text)
    {
        try
        {
            using var parser = new TextFieldParser(new StringReader(text)) { HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = true };
            parser.SetDelimiters(",");
            return new CsvLine(number, parser.ReadFields() ?? [], null);
        }
        catch (MalformedLineException)
        {
            return new CsvLine(number, null, "not CSV (an unclosed quote?)");
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
        {
            return new CsvLine(number, null, $"could not be read: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
