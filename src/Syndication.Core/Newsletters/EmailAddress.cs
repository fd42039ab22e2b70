using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Mail;

namespace Syndication.Core.Newsletters;

/// <summary>
/// An email address as a subscriber typed it, checked more strictly than <see cref="MailAddress"/>
/// alone: one plain <c>local@domain</c>, no display name, no quoted or commented parts, no control
/// characters (a CR or LF in an address would let it inject mail headers), a domain of proper DNS
/// labels with a dot in it. The domain is lower-cased (and punycoded when internationalized); the
/// local part keeps its case for sending, since a mailbox may in theory be case-sensitive, while
/// <see cref="CanonicalKey"/>, lower-cased whole, decides who is the same subscriber.
/// </summary>
public sealed class EmailAddress : IEquatable<EmailAddress>
{
    public const int MaximumLength = 254;
    public const int MaximumLocalPartLength = 64;

    /// <summary>What every rejection tells the person filling in the form.</summary>
    public const string Problem = "Enter an email address like name@example.com.";

    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    private EmailAddress(string localPart, string domain)
    {
        LocalPart = localPart;
        Domain = domain;
        Value = localPart + "@" + domain;
        CanonicalKey = Value.ToLowerInvariant();
    }

    /// <summary>The address to send to: the local part as typed, the domain lower-case ASCII.</summary>
    public string Value { get; }

    public string LocalPart { get; }

    public string Domain { get; }

    /// <summary>Identity of the subscriber: <c>Priya@Example.com</c> and <c>priya@example.com</c> are one person.</summary>
    public string CanonicalKey { get; }

    public static EmailAddress Parse(string? input) =>
        TryParse(input, out var address) ? address : throw new FormatException(Problem);

    public static bool TryParse(string? input, [NotNullWhen(true)] out EmailAddress? address)
    {
        address = null;
        if (input is null)
        {
            return false;
        }

        var text = input.Trim();
        if (text.Length is < 3 or > MaximumLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            // Control characters (CR, LF, NUL, tabs...) and anything that only makes sense in a
            // display name, a list, a quoted string or a comment.
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';' or ':' or '"' or '(' or ')' or '[' or ']' or '\\')
            {
                return false;
            }
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != text.LastIndexOf('@') || at == text.Length - 1)
        {
            return false;
        }

        var local = text[..at];
        if (!IsDotAtom(local) || local.Length > MaximumLocalPartLength)
        {
            return false;
        }

        string domain;
        try
        {
            domain = Idn.GetAscii(text[(at + 1)..]).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (!IsHostName(domain) || local.Length + 1 + domain.Length > MaximumLength)
        {
            return false;
        }

        // The framework's own parser as a second opinion: it must agree that this is a plain address.
        if (!MailAddress.TryCreate(local + "@" + domain, out var parsed)
            || parsed.DisplayName.Length != 0
            || !string.Equals(parsed.User, local, StringComparison.Ordinal)
            || !string.Equals(parsed.Host, domain, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        address = new EmailAddress(local, domain);
        return true;
    }

    public bool Equals(EmailAddress? other) => other is not null && string.Equals(CanonicalKey, other.CanonicalKey, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is EmailAddress other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(CanonicalKey);

    public override string ToString() => Value;

    /// <summary>RFC 5322 dot-atom with ASCII characters only: no leading, trailing or double dots.</summary>
    private static bool IsDotAtom(string local)
    {
        if (local.Length == 0 || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '/' or '=' or '?' or '^' or '_' or '`' or '{' or '|' or '}' or '~'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>At least two DNS labels of letters, digits and inner hyphens; a top-level label that is not all digits.</summary>
    private static bool IsHostName(string domain)
    {
        if (domain.Length > 253)
        {
            return false;
        }

        var labels = domain.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        var top = labels[^1];
        return top.Length >= 2 && !top.All(char.IsAsciiDigit);
    }
}
