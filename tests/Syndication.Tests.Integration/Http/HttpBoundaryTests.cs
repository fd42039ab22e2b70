using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Syndication.Adapters.Newsletters;
using Syndication.Cli;
using Syndication.Core.Newsletters;
using Syndication.Http;
using Syndication.Tests.Infrastructure;
using Syndication.Tests.Newsletters;

namespace Syndication.Tests.Http;

/// <summary>The HTTP functions end to end: <c>syndication serve</c> on a free port, against Azurite.</summary>
public sealed partial class HttpBoundaryTests
{
    [GeneratedRegex(@"/newsletter/[cpu]/([A-Za-z0-9_-]+)")]
    private static partial Regex TokenLink();

    private static string ConfirmLinkIn(string eml) =>
        Regex.Match(SubscriptionServiceTests.TextPart(eml), @"https?://\S+/c/[A-Za-z0-9_-]+").Value;

    [Fact]
    public async Task The_serve_verb_prints_the_sign_up_url_serves_every_route_of_the_table_and_stops_on_ctrl_c()
    {
        var account = await LocalStorage.NewAccountAsync();
        using var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource();
        var run = SyndicationCommand.RunAsync(["--storage", account.ConnectionString, "serve", "--port", "0"], synchronized, stop.Token);

        string printed;
        var attempts = 0;
        do
        {
            await Task.Delay(100);
            lock (synchronized)
            {
                printed = output.ToString();
            }
        }
        while (!printed.Contains("sign up:", StringComparison.Ordinal) && !run.IsCompleted && ++attempts < 600);

        var subscribe = Regex.Match(printed, @"sign up:\s+(http://127\.0\.0\.1:\d+/api/newsletter/subscribe)").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(subscribe), printed);
        var api = new Uri(subscribe[..(subscribe.IndexOf("/api/", StringComparison.Ordinal) + 5)]);
        using var http = new HttpClient();

        // Every row of the table answers from our handlers (our pages, our refusals), none from the router's 404.
        var form = await http.GetAsync(subscribe);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("<h1>Get the Syndication News newsletter</h1>", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var path in new[] { "newsletter/c/not-a-token", "newsletter/p/not-a-token", "newsletter/u/not-a-token", "newsletter/archive/india/2026-11-25" })
        {
            var page = await http.GetAsync(new Uri(api, path));
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Contains("This link does not work", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var webhook = await http.PostAsync(new Uri(api, "newsletter/sendgrid/events"), new StringContent("[]"));
        Assert.Equal(HttpStatusCode.Unauthorized, webhook.StatusCode);
        Assert.Equal("The webhook is not configured.", await webhook.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(api, "newsletter/elsewhere"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.GetAsync(new Uri(api, "newsletter/sendgrid/events"))).StatusCode);

        await stop.CancelAsync();
        Assert.Equal(0, await run);
        lock (synchronized)
        {
            printed = output.ToString();
        }

        Assert.Contains("GET /api/newsletter/subscribe 200", printed, StringComparison.Ordinal);
        Assert.Contains("Stopped.", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_ups_with_a_rotating_client_chosen_first_hop_are_limited_by_the_address_the_platform_appended()
    {
        await using var serve = await LocalServe.StartAsync(new Dictionary<string, string?> { ["Syndication:Newsletter:SubscribeLimitPerClient"] = "5" });

        // A client that writes its own X-Forwarded-For, a new address each time; serve appends the
        // connection's address after it, as App Service's front end does.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await serve.SubscribeAsync($"reader{i}@example.com", forwardedFor: $"198.51.100.{i + 1}")).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Theory]
    [InlineData("203.0.113.7", 1, "203.0.113.7")]
    [InlineData("10.0.0.1, 203.0.113.7", 1, "203.0.113.7")]
    [InlineData("10.0.0.1, 203.0.113.7:51234", 1, "203.0.113.7")]
    [InlineData("spoofed, 2001:db8::7", 1, "2001:db8::7")]
    [InlineData("spoofed, [2001:db8::7]:443", 1, "2001:db8::7")]
    [InlineData("spoofed, 203.0.113.7, 147.243.1.1", 2, "203.0.113.7")]
    [InlineData("203.0.113.7", 2, "192.0.2.99")]
    [InlineData("", 1, "192.0.2.99")]
    [InlineData("203.0.113.7", 0, "192.0.2.99")]
    public void The_client_is_the_hop_the_platform_appended_never_one_the_client_wrote(string forwardedFor, int trustedHops, string expected)
    {
        Assert.Equal(expected, ClientAddress.From([forwardedFor], trustedHops, IPAddress.Parse("192.0.2.99")));
    }

    [Fact]
    public async Task A_form_body_past_the_cap_is_refused_on_the_bytes_read_even_chunked_and_never_ending()
    {
        await using var serve = await LocalServe.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, serve.Host.BaseUrl.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /api/newsletter/subscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"));

        // No Content-Length and no last chunk: a body that only ends if the server stops reading it.
        using var stop = new CancellationTokenSource();
        const string Fields = "email=a%40example.com&edition=india&x=";
        var chunk = Encoding.ASCII.GetBytes($"400\r\n{Fields}{new string('x', 1024 - Fields.Length)}\r\n");
        var sender = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await stream.WriteAsync(chunk, stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The server closed the connection once it had answered.
            }
        });

        var status = await new StreamReader(stream, Encoding.ASCII, leaveOpen: true).ReadLineAsync();
        await stop.CancelAsync();
        tcp.Close();
        await sender;

        Assert.Equal("HTTP/1.1 413 Payload Too Large", status);
        Assert.Null(await serve.Get<SubscriberStore>().GetAsync(serve.Get<SubscriberIds>().IdFor(EmailAddress.Parse("a@example.com")), CancellationToken.None));

        // A Content-Length past the cap is refused unread.
        using var declared = new HttpRequestMessage(HttpMethod.Post, serve.Url("newsletter/subscribe")) { Content = new ByteArrayContent(new byte[NewsletterEndpoints.MaximumFormBytes + 1]) };
        declared.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await serve.Http.SendAsync(declared)).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_webhook_refuses_missing_or_stale_signature_headers_before_reading_the_body(bool staleHeaders)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var serve = await LocalServe.StartAsync(new Dictionary<string, string?>
        {
            ["Syndication:Newsletter:WebhookVerificationKey"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
        });
        var stale = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var body = Encoding.ASCII.GetBytes("[{\"email\":\"x@example.com\",\"event\":\"bounce\",\"sg_event_id\":\"e1\",\"timestamp\":1}]");
        var signature = Convert.ToBase64String(key.SignData([.. Encoding.ASCII.GetBytes(stale), .. body], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var headers = staleHeaders
            ? $"{SendGridEventVerifier.SignatureHeader}: {signature}\r\n{SendGridEventVerifier.TimestampHeader}: {stale}\r\n"
            : "";

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, serve.Host.BaseUrl.Port);
        var stream = tcp.GetStream();

        // The body is announced and never sent: an answer can only come from the headers.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/newsletter/sendgrid/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n{headers}\r\n"));
        await stream.WriteAsync(body.AsMemory(0, 10));
        var status = await new StreamReader(stream, Encoding.ASCII, leaveOpen: true).ReadLineAsync();

        Assert.Equal("HTTP/1.1 401 Unauthorized", status);
    }

    [Fact]
    public async Task Subscribing_answers_before_the_confirmation_is_sent()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        using var gate = new ManualResetEventSlim(false);
        sendGrid.OnRequest = _ => gate.Wait(TimeSpan.FromSeconds(60));
        await using var serve = await LocalServe.StartAsync(sendGrid.Settings(timeoutSeconds: 120));

        // SendGrid holds the confirmation until the page is there: the page cannot have waited for it.
        var answer = await serve.SubscribeAsync("new.reader@example.com");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("Check your inbox", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(sendGrid.Delivered);

        // Nor can a next request on the same connection be held up by the work after the answer.
        Assert.True(answer.Headers.ConnectionClose);

        gate.Set();
        await serve.WaitForOutputAsync("POST /api/newsletter/subscribe 200");
        var mail = Assert.Single(sendGrid.Delivered);
        Assert.Equal("new.reader@example.com", mail.To);
        Assert.Contains("/api/newsletter/c/", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_bearing_urls_are_logged_by_their_route_never_with_the_token()
    {
        await using var serve = await LocalServe.StartAsync();
        await serve.SubscribeAsync("logged@example.com");
        var id = serve.Get<SubscriberIds>().IdFor(EmailAddress.Parse("logged@example.com"));
        var link = ConfirmLinkIn(await serve.WaitForEmailAsync($"confirm/{id}.eml"));
        var token = link[(link.LastIndexOf('/') + 1)..];

        await serve.Http.GetAsync(link);
        await serve.Http.PostAsync(link, null);
        var output = await serve.WaitForOutputAsync("POST /api/newsletter/c/{token} 200");

        Assert.Contains("GET /api/newsletter/c/{token} 200", output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_reached_with_one_purposes_token_hands_out_no_token_of_another()
    {
        await using var serve = await LocalServe.StartAsync();
        await serve.SubscribeAsync("purpose@example.com");
        var id = serve.Get<SubscriberIds>().IdFor(EmailAddress.Parse("purpose@example.com"));
        var confirm = ConfirmLinkIn(await serve.WaitForEmailAsync($"confirm/{id}.eml"));
        var tokens = serve.Get<SubscriberTokens>();
        var preferences = serve.Url("newsletter/p/" + tokens.Issue(TokenPurpose.Preferences, id)).AbsoluteUri;
        var unsubscribe = serve.Url("newsletter/u/" + tokens.Issue(TokenPurpose.Unsubscribe, id)).AbsoluteUri;

        foreach (var (method, link) in new[] { ("GET", confirm), ("POST", confirm), ("GET", preferences), ("GET", unsubscribe) })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), link);
            var response = await serve.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var own = link[(link.LastIndexOf('/') + 1)..];
            Assert.All(TokenLink().Matches(body).Select(m => m.Groups[1].Value), token => Assert.Equal(own, token));
        }

        Assert.Equal(SubscriberState.Confirmed, (await serve.Get<SubscriberStore>().GetAsync(id, CancellationToken.None))!.State);
    }
}
