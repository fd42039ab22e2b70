using System.Security.Cryptography;
using System.Text;

namespace Syndication.Adapters.Storage;

/// <summary>
/// The blob names a dropped file's originals and rejection records get in <c>archive/</c> and
/// <c>rejected/</c>. A file's name is input like its bytes: Azure allows 1,024 characters, and the
/// archive's date prefix or a record's <c>.error.json</c> would push a long one past that; a name
/// can hold characters a blob path cannot (control characters, a backslash, a half surrogate
/// pair), dot segments a URL collapses, or end as a record does. Such a name is stored under
/// <c>~hashed/</c> as a hash of the whole name with a readable part of it, and the original name
/// is kept in the blob's metadata (and in the record). Every other name is stored as it came.
/// </summary>
/// <remarks>
/// Originals never end in <see cref="RecordSuffix"/> and records always do, so an original and a
/// record never share a name, whatever a file is called (a drop named <c>x.error.json</c> is an
/// original, stored hashed, not a record). Plain names never start with '~', the first character
/// of <see cref="HashedPrefix"/> and of <see cref="PageViewsPrefix"/>, so they never meet those either.
/// </remarks>
public static class StoredNames
{
    /// <summary>What a rejection record's name adds to its original's stored name.</summary>
    public const string RecordSuffix = ".error.json";

    /// <summary>Where names that cannot be stored as they came go, inside <c>archive/{day}/</c> and <c>rejected/</c>.</summary>
    public const string HashedPrefix = "~hashed/";

    /// <summary>Where the records of page-view logs that could not be counted go in <c>rejected/</c> (the log stays in <c>pageviews/</c>).</summary>
    public const string PageViewsPrefix = "~pageviews/";

    /// <summary>
    /// The longest name stored as it came. Azure allows 1,024 characters; the archive adds
    /// <c>yyyy/MM/dd/</c> (11) and a record <c>.error.json</c> (11), with room to spare.
    /// </summary>
    public const int MaxPlainLength = 960;

    /// <summary>Metadata key of the original name (percent-encoded: metadata is ASCII).</summary>
    public const string OriginalNameKey = "originalname";

    /// <summary>Metadata key of the original name as base64 UTF-8, when its percent-encoding would be too long.</summary>
    public const string OriginalNameBase64Key = "originalnamebase64";

    private const int MaxSegments = 250; // Azure: at most 254 path segments
    private const int ReadablePart = 60;

    /// <summary>The name an original is stored under (after the archive's date prefix, or in <c>rejected/</c>).</summary>
    public static string Original(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsPlain(name))
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16));
        var readable = Readable(name);
        return readable.Length == 0 ? $"{HashedPrefix}{hash}" : $"{HashedPrefix}{hash}-{readable}";
    }

    /// <summary>The name of the rejection record of an original stored as <paramref name="storedOriginal"/>.</summary>
    public static string Record(string storedOriginal) => storedOriginal + RecordSuffix;

    /// <summary>Whether a name in <c>rejected/</c> is a record (and not an original).</summary>
    public static bool IsRecord(string blobName) => blobName?.EndsWith(RecordSuffix, StringComparison.Ordinal) == true;

    /// <summary>The metadata that keeps the original name of a file stored under another one; empty for a plain name.</summary>
    public static Dictionary<string, string> Metadata(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsPlain(name))
        {
            return [];
        }

        var escaped = Uri.EscapeDataString(name);
        return escaped.Length <= 2048
            ? new Dictionary<string, string> { [OriginalNameKey] = escaped }
            : new Dictionary<string, string> { [OriginalNameBase64Key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(name)) };
    }

    /// <summary>Whether a name can be stored as it came: short enough, only characters and segments a blob path keeps, not a record's name.</summary>
    public static bool IsPlain(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > MaxPlainLength
            || name.EndsWith(RecordSuffix, StringComparison.Ordinal)
            || name.StartsWith('~') // our own namespaces (~hashed/, ~pageviews/) start with '~'

            || name.EndsWith('.') || name.EndsWith('/'))
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsControl(c) || c == '\\' || c == '\uFFFE' || c == '\uFFFF')
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        var segments = 0;
        foreach (var segment in name.Split('/'))
        {
            if (++segments > MaxSegments || segment.Length == 0 || segment == "." || segment == ".." || segment.EndsWith('.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Up to 60 characters of the name's last segment an operator can recognise: letters, digits, '.', '-', '_'.</summary>
    private static string Readable(string name)
    {
        var last = name.TrimEnd('/', '.');
        last = last[(last.LastIndexOf('/') + 1)..];
        var builder = new StringBuilder(ReadablePart);
        foreach (var c in last.Length > ReadablePart ? last[^ReadablePart..] : last)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        // Never a record's ending, never a trailing dot.
        return builder.ToString().Replace(RecordSuffix, "_error.json", StringComparison.Ordinal).TrimEnd('.');
    }
}
