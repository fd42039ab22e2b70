using System.Net;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SendGrid;
using SendGrid.Helpers.Mail;
using Syndication.Core.Newsletters;
using MailAddress = SendGrid.Helpers.Mail.EmailAddress;

namespace Syndication.Adapters.Newsletters;

/// <summary>What became of one batch: the state its ledger row takes, with SendGrid's id or the reason.</summary>
/// <param name="TooLarge">SendGrid refused the request as too large (413): nothing went out, and halves may pass.</param>
public sealed record SendResult(BatchState State, string? MessageId, string? Reason, int Attempts, bool TooLarge = false)
{
    /// <summary>429 answers met while sending the batch (retried or not), and the longest Retry-After among them.</summary>
    public int TooManyRequests { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>5xx answers met while sending the batch.</summary>
    public int ServerErrors { get; init; }
}

/// <summary>Sends a <see cref="MailBatch"/>: SendGrid when a key is configured, the outbox otherwise.</summary>
public interface IMailTransport
{
    /// <summary>Where mail goes, for people: "SendGrid (https://api.sendgrid.com)", "outbox container http://...".</summary>
    string Destination { get; }

    /// <param name="cancellationToken">Stops waits between attempts; a request already sent is let finish (bounded by its timeout), so its outcome is known.</param>
    Task<SendResult> SendAsync(MailBatch batch, CancellationToken cancellationToken);
}

/// <summary>Settings of the SendGrid transport.</summary>
/// <param name="Host">SendGrid's API base; tests point it at a loopback server.</param>
public sealed record SendGridSettings(string ApiKey, string Host, TimeSpan RequestTimeout, int MaxAttempts, TimeSpan MaxRetryAfter, TimeSpan BackoffBase);

/// <summary>
/// SendGrid v3 <c>POST /v3/mail/send</c> through the SendGrid package: one request per batch of up
/// to 1,000 personalizations, each with its recipient, substitutions, <c>List-Unsubscribe</c>
/// headers and opaque custom args. 202 is sent; 429 waits for <c>Retry-After</c>; 5xx is retried
/// with exponential back-off and jitter; any other 4xx is failed with SendGrid's reason; a timeout
/// is uncertain, because SendGrid may have taken the batch, and is never resent blindly.
/// </summary>
public sealed class SendGridTransport : IMailTransport
{
    public const int MaxPersonalizations = 1000;

    private readonly SendGridClient client;
    private readonly SendGridSettings settings;
    private readonly TimeProvider time;

    public SendGridTransport(HttpClient http, SendGridSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        this.time = time;
        client = new SendGridClient(http, new SendGridClientOptions { ApiKey = settings.ApiKey, Host = settings.Host });
    }

    public string Destination => $"SendGrid ({settings.Host})";

    /// <summary>Mail requests made, retries included.</summary>
    public long Requests => Interlocked.Read(ref requests);

    private long requests;

    public async Task<SendResult> SendAsync(MailBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Recipients.Count is 0 or > MaxPersonalizations)
        {
            throw new ArgumentException($"A batch has 1 to {MaxPersonalizations} recipients, not {batch.Recipients.Count}.", nameof(batch));
        }

        var message = Message(batch);
        string? lastReason = null;
        int throttled = 0, serverErrors = 0;
        TimeSpan? longestRetryAfter = null;
        SendResult Result(SendResult result) => result with { TooManyRequests = throttled, ServerErrors = serverErrors, RetryAfter = longestRetryAfter };
        for (var attempt = 1; attempt <= settings.MaxAttempts; attempt++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return Result(new SendResult(BatchState.Retry, null, "Cancelled before the request was sent.", attempt - 1));
            }

            Response response;
            using (var timeout = new CancellationTokenSource(settings.RequestTimeout))
            {
                try
                {
                    Interlocked.Increment(ref requests);
                    response = await client.SendEmailAsync(message, timeout.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
                {
                    // The request may have reached SendGrid: resending could mail everyone twice.
                    var what = ex is OperationCanceledException ? $"No answer within {settings.RequestTimeout.TotalSeconds:0} s" : $"The connection failed ({ex.Message})";
                    return Result(new SendResult(BatchState.Uncertain, null, what + "; SendGrid may have accepted the batch, so it is not resent.", attempt));
                }
            }

            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                var id = response.Headers?.TryGetValues("X-Message-Id", out var ids) == true ? ids.FirstOrDefault() : null;
                return Result(new SendResult(BatchState.Sent, id, null, attempt));
            }

            var body = await Body(response);
            lastReason = $"{status} {response.StatusCode}: {body}";
            TimeSpan wait;
            if (status == (int)HttpStatusCode.TooManyRequests)
            {
                throttled++;
                wait = RetryAfter(response) ?? Backoff(attempt);
                longestRetryAfter = longestRetryAfter is { } longest && longest > wait ? longest : wait;
                if (wait > settings.MaxRetryAfter)
                {
                    return Result(new SendResult(BatchState.Retry, null, $"{lastReason} (Retry-After {wait.TotalSeconds:0} s is longer than the run waits)", attempt));
                }
            }
            else if (status >= 500)
            {
                serverErrors++;
                wait = Backoff(attempt);
            }
            else
            {
                return Result(new SendResult(BatchState.Failed, null, lastReason, attempt, TooLarge: status == (int)HttpStatusCode.RequestEntityTooLarge));
            }

            if (attempt < settings.MaxAttempts)
            {
                try
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return Result(new SendResult(BatchState.Retry, null, lastReason + " (cancelled while waiting to retry)", attempt));
                }
            }
        }

        return Result(new SendResult(BatchState.Retry, null, $"{lastReason} (after {settings.MaxAttempts} attempts)", settings.MaxAttempts));
    }

    /// <summary>The v3 request body: shared content with substitution tags, one personalization per recipient.</summary>
    public static SendGridMessage Message(MailBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var message = new SendGridMessage
        {
            From = new MailAddress(batch.FromAddress, batch.FromName),
            Subject = batch.Subject,
            Personalizations = [],
        };

        // text/plain must come before text/html (SendGrid refuses the other order).
        message.AddContent(MimeType.Text, batch.Text);
        message.AddContent(MimeType.Html, batch.Html);
        foreach (var recipient in batch.Recipients)
        {
            message.Personalizations.Add(new Personalization
            {
                Tos = [new MailAddress(recipient.Address, recipient.Name)],
                Substitutions = recipient.Substitutions.Count == 0 ? null : new Dictionary<string, string>(recipient.Substitutions),
                Headers = recipient.Headers.Count == 0 ? null : new Dictionary<string, string>(recipient.Headers),
                CustomArgs = recipient.CustomArgs.Count == 0 ? null : new Dictionary<string, string>(recipient.CustomArgs),
            });
        }

        return message;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = settings.BackoffBase.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(exponential, 60_000) * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>SendGrid's Retry-After as received, read by the core's one parser (a day at most; the caller compares it with what a run waits).</summary>
    private TimeSpan? RetryAfter(Response response) =>
        Syndication.Core.Time.RetryAfter.Parse(response.Headers is { } headers && headers.NonValidated.TryGetValues("Retry-After", out var values) ? values.FirstOrDefault() : null, time.GetUtcNow());

    private static async Task<string> Body(Response response)
    {
        try
        {
            var text = response.Body is null ? "" : await response.Body.ReadAsStringAsync();
            text = MailText.SingleLine(text);
            return text.Length > 500 ? text[..500] : text;
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }
}

/// <summary>
/// The local mail sink when no SendGrid key is configured: every recipient's email, exactly as they
/// would get it, as an <c>.eml</c> file in the <c>outbox</c> container (or a folder, for the CLI):
/// <c>{issue}/{subscriber id}.eml</c>. Writing the same email again overwrites it, so it is as
/// idempotent as a send should be.
/// </summary>
public sealed class OutboxTransport : IMailTransport
{
    private readonly BlobContainerClient? container;
    private readonly DirectoryInfo? folder;
    private readonly TimeProvider time;

    public OutboxTransport(BlobContainerClient container, TimeProvider time)
    {
        this.container = container;
        this.time = time;
    }

    /// <summary>The <c>outbox</c> container of the pipeline's storage account.</summary>
    public OutboxTransport(Storage.StorageAccount account, TimeProvider time)
        : this((account ?? throw new ArgumentNullException(nameof(account))).Container(Storage.StorageNames.OutboxContainer), time)
    {
    }

    public OutboxTransport(DirectoryInfo folder, TimeProvider time)
    {
        this.folder = folder;
        this.time = time;
    }

    public string Destination => container is not null ? $"the outbox container {container.Uri}" : $"the folder {folder!.FullName}";

    /// <summary>Where a recipient's email of a folder lands: a blob URL or a file path.</summary>
    public string Location(string path) => container is not null ? container.GetBlobClient(path).Uri.ToString() : Path.Combine(folder!.FullName, path.Replace('/', Path.DirectorySeparatorChar));

    public static string PathOf(MailBatch batch, MailRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(recipient);
        return $"{batch.Folder}/{recipient.SubscriberId}.eml";
    }

    public async Task<SendResult> SendAsync(MailBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var now = time.GetUtcNow();
        foreach (var recipient in batch.Recipients)
        {
            var message = MailBatches.Personal(batch, recipient);
            var messageId = $"{batch.Folder.Replace('/', '.')}.{recipient.SubscriberId}@outbox.syndication";
            var eml = Encoding.UTF8.GetBytes(EmlWriter.Write(message, batch.FromAddress, batch.FromName, now, messageId));
            var path = PathOf(batch, recipient);
            if (container is not null)
            {
                await container.GetBlobClient(path).UploadAsync(
                    BinaryData.FromBytes(eml),
                    new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "message/rfc822" } },
                    CancellationToken.None);
            }
            else
            {
                var file = Location(path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllBytesAsync(file, eml, CancellationToken.None);
            }
        }

        return new SendResult(BatchState.Sent, $"outbox-{batch.Folder.Replace('/', '-')}-{batch.BatchId}", null, 1);
    }
}
