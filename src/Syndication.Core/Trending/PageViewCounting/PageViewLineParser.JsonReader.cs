using System.Text.Json;

namespace Syndication.Core.Trending;

/// <summary>Any valid JSON line, through <see cref="Utf8JsonReader"/>: the slow path, for the rare lines the scanners leave.</summary>
internal static partial class PageViewLineParser
{
    /// <summary>The slow path: any valid JSON, escapes unescaped into <paramref name="scratch"/>.</summary>
    internal static ScanOutcome Read(ReadOnlySpan<byte> line, ref PageViewFields fields, ref byte[] scratch)
    {
        if (scratch.Length < line.Length)
        {
            scratch = new byte[Math.Max(line.Length, scratch.Length * 2)]; // unescaped text is never longer than the line
        }

        var used = 0;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ScanOutcome.Malformed;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("ts"u8) ? Field.Timestamp
                    : reader.ValueTextEquals("article"u8) ? Field.Article
                    : reader.ValueTextEquals("edition"u8) ? Field.Edition
                    : reader.ValueTextEquals("session"u8) ? Field.Session
                    : reader.ValueTextEquals("agent"u8) ? Field.Agent
                    : Field.None;
                reader.Read();
                if (field == Field.None)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    return ScanOutcome.Malformed;
                }

                var written = reader.CopyString(scratch.AsSpan(used));
                Assign(ref fields, field, scratch.AsSpan(used, written));
                used += written;
            }

            // Past the end of the object only whitespace may follow; the reader throws on anything else.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? ScanOutcome.Parsed : ScanOutcome.Malformed;
        }
        catch (JsonException)
        {
            return ScanOutcome.Malformed;
        }
        catch (InvalidOperationException)
        {
            return ScanOutcome.Malformed; // invalid UTF-8 found while unescaping a string
        }
    }
}
