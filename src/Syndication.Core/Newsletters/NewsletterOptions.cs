using System.Globalization;

namespace Syndication.Core.Newsletters;

/// <summary>
/// Newsletter settings (<c>Syndication:Newsletter</c>). Secrets (token keys, the subscriber id key,
/// SendGrid's API key) are not here: they come from Key Vault references and are passed to
/// <see cref="TokenKeyRing"/> and <see cref="SubscriberIds"/> directly.
/// </summary>
public sealed class NewsletterOptions
{
    public const string SectionName = "Syndication:Newsletter";

    /// <summary>Where the subscription pages live; links are <c>{PublicBaseUrl}/u/{token}</c> and so on.</summary>
    public string PublicBaseUrl { get; set; } = "https://news.example.com/newsletter";

    /// <summary>The mailbox of the <c>mailto:</c> half of <c>List-Unsubscribe</c>.</summary>
    public string UnsubscribeMailbox { get; set; } = "unsubscribe@news.example.com";

    /// <summary>Who the footer says sends the newsletter; the site's name when empty.</summary>
    public string? PublisherName { get; set; }

    /// <summary>The publisher's postal address for the footer (required by CAN-SPAM for US readers).</summary>
    public string? PostalAddress { get; set; }

    /// <summary>Local time of day, in each edition's zone, when issues go out (<c>HH:mm</c>).</summary>
    public string SendAt { get; set; } = "07:00";

    /// <summary>The weekday of weekly issues.</summary>
    public DayOfWeek WeeklyOn { get; set; } = DayOfWeek.Monday;

    /// <summary>Top stories per email at most: more lengthen the email towards Gmail's clipping.</summary>
    public int MaxStories { get; set; } = 12;

    /// <summary>Items of the trending list at most.</summary>
    public int MaxTrending { get; set; } = 10;

    public int ConfirmTokenDays { get; set; } = 7;

    /// <summary>The sender of every newsletter email (a domain authenticated in SendGrid).</summary>
    public string FromAddress { get; set; } = "newsletter@news.example.com";

    /// <summary>Recipients per mail request: SendGrid takes at most 1,000 personalizations in one.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long one mail request may take before its batch is marked uncertain (never resent blindly).</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Attempts of one mail request on 429 and 5xx answers before its batch is recorded as failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The longest wait a 429's Retry-After is honoured for; longer ones end the run, to resume on the next timer.</summary>
    public int MaxRetryAfterSeconds { get; set; } = 120;

    /// <summary>The first wait after a 5xx; it doubles with each attempt (with jitter), up to a minute.</summary>
    public int RetryBackoffMilliseconds { get; set; } = 1000;

    /// <summary>Sign-ups per address per hour: enough to fix a typo, too few to mail-bomb someone with confirmations.</summary>
    public int SubscribeLimitPerAddress { get; set; } = 3;

    /// <summary>Sign-ups per client (IP address) per hour.</summary>
    public int SubscribeLimitPerClient { get; set; } = 20;

    /// <summary>Emails handed to SendGrid per UTC hour at most, over every issue; 0: no hourly cap.</summary>
    public int MaxPerHour { get; set; }

    /// <summary>Emails handed to SendGrid per UTC day at most, over every issue (a plan's daily limit); 0: no daily cap beyond the warm-up.</summary>
    public int MaxPerDay { get; set; }

    /// <summary>
    /// The first day of the sending account's or domain's warm-up (<c>yyyy-MM-dd</c>, UTC); empty:
    /// the day this deployment first hands mail to SendGrid (recorded then). A date longer ago than
    /// the schedule declares an account that is already warm.
    /// </summary>
    public string WarmupStartDate { get; set; } = "";

    /// <summary>
    /// The warm-up's daily caps, day 1 first, comma-separated; past the last day there is none.
    /// Empty: no warm-up. The default follows the daily schedule SendGrid's IP warm-up guide
    /// recommends for a new dedicated IP (50 on day 1 to 100,000 on day 16): see the README.
    /// </summary>
    public string WarmupDailyCaps { get; set; } = DefaultWarmupDailyCaps;

    public const string DefaultWarmupDailyCaps = "50,100,250,500,1000,2500,5000,7500,10000,15000,20000,30000,40000,55000,70000,100000";

    /// <summary>
    /// The From domains authenticated in SendGrid (domain authentication: its DKIM CNAMEs and SPF
    /// in DNS, plus a DMARC record), comma-separated. A real send from any other domain is refused.
    /// </summary>
    public string AuthenticatedDomains { get; set; } = "";

    /// <summary>A click no later than this after its delivery is a mail scanner's (Safe Links, Proofpoint), counted apart from readers' clicks.</summary>
    public int ScannerClickSeconds { get; set; } = 10;

    public IReadOnlyList<int> WarmupCaps => [.. WarmupDailyCaps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => int.Parse(c, NumberStyles.None, CultureInfo.InvariantCulture))];

    public DateOnly? WarmupStart => WarmupStartDate.Length == 0 ? null : DateOnly.ParseExact(WarmupStartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public IReadOnlyList<string> AuthenticatedDomainList => [.. AuthenticatedDomains.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => d.ToLowerInvariant())];

    /// <summary>The domain of <see cref="FromAddress"/>, lower case.</summary>
    public string FromDomain => FromAddress[(FromAddress.LastIndexOf('@') + 1)..].Trim().ToLowerInvariant();

    /// <summary>
    /// How many addresses at the end of <c>X-Forwarded-For</c> the platform's own front ends
    /// appended: the client is the first of them. 1 behind App Service or Flex Consumption alone
    /// (their front end appends the address it saw); 2 with Azure Front Door before it (Front Door
    /// appends the client, App Service then appends Front Door). Everything before them the client
    /// wrote itself, so it never counts.
    /// </summary>
    public int TrustedProxyHops { get; set; } = 1;

    /// <summary>Breaking-news alerts: the day's limit, quiet hours and what they do (<c>Syndication:Newsletter:Alerts</c>).</summary>
    public AlertOptions Alerts { get; set; } = new();

    public TimeOnly SendAtTime => TimeOnly.ParseExact(SendAt, "HH:mm", CultureInfo.InvariantCulture);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"Syndication:Newsletter:PublicBaseUrl must be an absolute http(s) URL, not '{PublicBaseUrl}'.");
        }
        else if (PublicBaseUrl.Length > 200)
        {
            // Links with a token must fit the room the digest's size budget keeps for them.
            errors.Add($"Syndication:Newsletter:PublicBaseUrl must be at most 200 characters, not {PublicBaseUrl.Length}.");
        }

        if (!EmailAddress.TryParse(UnsubscribeMailbox, out _))
        {
            errors.Add($"Syndication:Newsletter:UnsubscribeMailbox must be an email address, not '{UnsubscribeMailbox}'.");
        }

        if (!TimeOnly.TryParseExact(SendAt, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add($"Syndication:Newsletter:SendAt must be a time of day as HH:mm, not '{SendAt}'.");
        }

        if (MaxStories is < 1 or > 50)
        {
            errors.Add($"Syndication:Newsletter:MaxStories must be between 1 and 50, not {MaxStories}.");
        }

        if (MaxTrending is < 0 or > 20)
        {
            errors.Add($"Syndication:Newsletter:MaxTrending must be between 0 and 20, not {MaxTrending}.");
        }

        if (ConfirmTokenDays is < 1 or > 30)
        {
            errors.Add($"Syndication:Newsletter:ConfirmTokenDays must be between 1 and 30, not {ConfirmTokenDays}.");
        }

        if (!EmailAddress.TryParse(FromAddress, out _))
        {
            errors.Add($"Syndication:Newsletter:FromAddress must be an email address, not '{FromAddress}'.");
        }

        if (BatchSize is < 1 or > 1000)
        {
            errors.Add($"Syndication:Newsletter:BatchSize must be between 1 and 1000 (SendGrid's limit of personalizations), not {BatchSize}.");
        }

        if (RequestTimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"Syndication:Newsletter:RequestTimeoutSeconds must be between 1 and 300, not {RequestTimeoutSeconds}.");
        }

        if (MaxAttempts is < 1 or > 20)
        {
            errors.Add($"Syndication:Newsletter:MaxAttempts must be between 1 and 20, not {MaxAttempts}.");
        }

        if (MaxRetryAfterSeconds is < 1 or > 3600)
        {
            errors.Add($"Syndication:Newsletter:MaxRetryAfterSeconds must be between 1 and 3600, not {MaxRetryAfterSeconds}.");
        }

        if (SubscribeLimitPerAddress is < 1 or > 1000 || SubscribeLimitPerClient is < 1 or > 100_000)
        {
            errors.Add($"Syndication:Newsletter:SubscribeLimitPerAddress and SubscribeLimitPerClient must be positive (at most 1000 and 100000), not {SubscribeLimitPerAddress} and {SubscribeLimitPerClient}.");
        }

        if (TrustedProxyHops is < 0 or > 5)
        {
            errors.Add($"Syndication:Newsletter:TrustedProxyHops must be between 0 (no proxy: the connection's address) and 5, not {TrustedProxyHops}.");
        }

        if (RetryBackoffMilliseconds is < 1 or > 60_000)
        {
            errors.Add($"Syndication:Newsletter:RetryBackoffMilliseconds must be between 1 and 60000, not {RetryBackoffMilliseconds}.");
        }

        if (MaxPerHour < 0 || MaxPerDay < 0)
        {
            errors.Add($"Syndication:Newsletter:MaxPerHour and MaxPerDay must be 0 (no cap) or positive, not {MaxPerHour} and {MaxPerDay}.");
        }

        if (WarmupStartDate.Length > 0 && !DateOnly.TryParseExact(WarmupStartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add($"Syndication:Newsletter:WarmupStartDate must be a date as yyyy-MM-dd or empty, not '{WarmupStartDate}'.");
        }

        var caps = WarmupDailyCaps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (caps.Any(c => !int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1))
        {
            errors.Add($"Syndication:Newsletter:WarmupDailyCaps must be positive whole numbers separated by commas (day 1 first), not '{WarmupDailyCaps}'.");
        }

        if (ScannerClickSeconds is < 0 or > 600)
        {
            errors.Add($"Syndication:Newsletter:ScannerClickSeconds must be between 0 and 600, not {ScannerClickSeconds}.");
        }

        errors.AddRange(Alerts?.Validate() ?? ["Syndication:Newsletter:Alerts must not be empty."]);
        return errors;
    }
}

/// <summary>The links of the subscription pages, built in one place so emails and pages agree.</summary>
public sealed class NewsletterLinks
{
    private readonly string _baseUrl;
    private readonly string _mailbox;

    public NewsletterLinks(NewsletterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _baseUrl = new Uri(options.PublicBaseUrl.TrimEnd('/')).AbsoluteUri.TrimEnd('/');
        _mailbox = EmailAddress.Parse(options.UnsubscribeMailbox).Value;
    }

    /// <summary>The <c>List-Unsubscribe-Post</c> header value (RFC 8058 one-click).</summary>
    public const string ListUnsubscribePost = "List-Unsubscribe=One-Click";

    public Uri Subscribe() => new(_baseUrl + "/subscribe");

    /// <summary>GET shows a page with a button; POST (the button, or a mail client's one-click) unsubscribes.</summary>
    public Uri Unsubscribe(string token) => new(UnsubscribeUrl(token));

    public Uri Preferences(string token) => new(PreferencesUrl(token));

    public Uri Confirm(string token) => new($"{_baseUrl}/c/{Checked(token)}");

    /// <summary>The archived issue as a web page ("view in browser"): <c>{base}/archive/india/2026-11-25</c>.</summary>
    public Uri Archive(string issueKey) => new($"{_baseUrl}/archive/{issueKey}");

    /// <summary>
    /// The <c>List-Unsubscribe</c> header value: the one-click HTTPS URL first (Gmail and Yahoo
    /// require it of bulk senders, with <see cref="ListUnsubscribePost"/>), then a mailto fallback.
    /// </summary>
    public string ListUnsubscribe(string token) =>
        $"<{UnsubscribeUrl(token)}>, <mailto:{_mailbox}?subject=unsubscribe-{Checked(token)}>";

    // Strings for the per-email path: the base URL was checked once and a base64url token needs
    // no escaping, so there is nothing for a Uri to parse.
    internal string UnsubscribeUrl(string token) => $"{_baseUrl}/u/{Checked(token)}";

    internal string PreferencesUrl(string token) => $"{_baseUrl}/p/{Checked(token)}";

    /// <summary>Tokens are base64url: anything else would change the meaning of a URL or a header.</summary>
    private static string Checked(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        if (token.Length > SubscriberTokens.MaximumTokenLength || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException("A token must be base64url.", nameof(token));
        }

        return token;
    }
}
