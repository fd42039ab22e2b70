namespace Syndication.Core.Newsletters;

/// <summary>
/// One message to many recipients, as SendGrid takes it: the subject and bodies are shared and
/// hold substitution tags, and each recipient brings the values of those tags, their own headers
/// (<c>List-Unsubscribe</c>) and custom args (opaque ids only). A transport either sends it as it
/// is (SendGrid personalizations) or fills the tags itself (the outbox).
/// </summary>
public sealed record MailBatch
{
    /// <summary>Unique within the issue; names the batch in the ledger, logs and outbox files.</summary>
    public required string BatchId { get; init; }

    /// <summary>Where the outbox files it (<c>india/2026-11-25</c>, <c>confirm</c>): a path of safe segments.</summary>
    public required string Folder { get; init; }

    public required string FromAddress { get; init; }

    public string? FromName { get; init; }

    public required string Subject { get; init; }

    public required string Html { get; init; }

    public required string Text { get; init; }

    public required IReadOnlyList<MailRecipient> Recipients { get; init; }
}

/// <summary>One recipient of a <see cref="MailBatch"/>.</summary>
public sealed record MailRecipient
{
    public required string Address { get; init; }

    public string? Name { get; init; }

    /// <summary>The opaque subscriber id, for the ledger and outbox file names; never sent as data about the person.</summary>
    public required string SubscriberId { get; init; }

    /// <summary>Tag → value; the values are already encoded for where their tags stand.</summary>
    public IReadOnlyDictionary<string, string> Substitutions { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> CustomArgs { get; init; } = new Dictionary<string, string>();
}

/// <summary>A batch's recipient with every tag filled: the email exactly as that person gets it.</summary>
public sealed record PersonalMessage(MailRecipient Recipient, string Subject, string Html, string Text);

public static class MailBatches
{
    /// <summary>The batch's email for one of its recipients, with the tags replaced by their values.</summary>
    public static PersonalMessage Personal(MailBatch batch, MailRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(recipient);
        var html = batch.Html;
        var text = batch.Text;
        var subject = batch.Subject;
        foreach (var (tag, value) in recipient.Substitutions)
        {
            html = html.Replace(tag, value, StringComparison.Ordinal);
            text = text.Replace(tag, value, StringComparison.Ordinal);
            subject = subject.Replace(tag, value, StringComparison.Ordinal);
        }

        return new PersonalMessage(recipient, subject, html, text);
    }
}
