using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;
using Syndication.Tests.Infrastructure;

namespace Syndication.Tests.Newsletters;

public sealed class NewsletterKeysTests
{
    private static readonly string Old = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly string New = Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray());

    [Fact]
    public void A_rotated_ring_signs_with_its_first_key_and_still_verifies_links_signed_with_the_bare_first_key()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var before = new SubscriberTokens(new NewsletterKeys { TokenSigningKey = Old, SubscriberIdKey = Old }.KeyRing(), clock);
        var oldLink = before.Issue(TokenPurpose.Unsubscribe, "abc123");

        var after = new SubscriberTokens(new NewsletterKeys { TokenSigningKey = $"k2:{New},k1:{Old}", SubscriberIdKey = Old }.KeyRing(), clock);
        var verified = after.Verify(oldLink, TokenPurpose.Unsubscribe);
        var newLink = after.Verify(after.Issue(TokenPurpose.Unsubscribe, "abc123"), TokenPurpose.Unsubscribe);

        Assert.Equal(("k1", "abc123"), (verified.Token!.KeyId, verified.Token.SubscriberId));
        Assert.Equal("k2", newLink.Token!.KeyId);
    }

    [Fact]
    public void Outside_development_storage_missing_or_short_keys_are_named_at_start()
    {
        var missing = new NewsletterKeys().Validate();
        var tooShort = new NewsletterKeys { TokenSigningKey = "k1:" + Convert.ToBase64String(new byte[8]), SubscriberIdKey = "not base64!" }.Validate();

        Assert.Contains(missing, e => e.StartsWith("Syndication:Newsletter:TokenSigningKey", StringComparison.Ordinal));
        Assert.Contains(missing, e => e.StartsWith("Syndication:Newsletter:SubscriberIdKey", StringComparison.Ordinal));
        Assert.Contains(tooShort, e => e.Contains("at least 32 bytes", StringComparison.Ordinal));
        Assert.Contains(tooShort, e => e.StartsWith("Syndication:Newsletter:SubscriberIdKey", StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_sendgrid_key_the_development_keys_are_refused_even_on_development_storage()
    {
        var keys = new NewsletterKeys { SendGridApiKey = "SG.real-key" };
        typeof(NewsletterKeys).GetProperty("DevelopmentStorage", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.SetValue(keys, true);

        var errors = keys.Validate();

        Assert.False(keys.UsesDevelopmentKeys);
        Assert.Contains(errors, e => e.StartsWith("Syndication:Newsletter:SendGridApiKey is set, so real mail would be sent, but no TokenSigningKey", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Syndication:Newsletter:SendGridApiKey is set, so real mail would be sent, but no SubscriberIdKey", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => keys.KeyRing());
        Assert.Throws<InvalidOperationException>(() => keys.SubscriberIds());
    }

    [Fact]
    public async Task The_cli_with_a_sendgrid_key_and_no_signing_keys_stops_at_start_with_the_reason_and_sends_nothing()
    {
        var account = await LocalStorage.NewAccountAsync();
        await using var sendGrid = await FakeSendGrid.StartAsync();

        var (exit, output) = await RunCliAsync(account, sendGrid, withKeys: false);
        var (exitWithKeys, outputWithKeys) = await RunCliAsync(account, sendGrid, withKeys: true);

        Assert.Equal(1, exit);
        Assert.Contains("error: the configuration is not valid:", output, StringComparison.Ordinal);
        Assert.Contains("Syndication:Newsletter:SendGridApiKey is set, so real mail would be sent, but no TokenSigningKey", output, StringComparison.Ordinal);
        Assert.Contains("but no SubscriberIdKey", output, StringComparison.Ordinal);
        Assert.Equal(0, sendGrid.MailRequests);
        Assert.True(exitWithKeys == 0, outputWithKeys); // the same command with the keys set runs
    }

    /// <summary><c>newsletter import</c> of the sample subscribers, as its own process, with only the test's settings.</summary>
    private static async Task<(int Exit, string Output)> RunCliAsync(TestAccount account, FakeSendGrid sendGrid, bool withKeys)
    {
        var start = new ProcessStartInfo(CliProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[] { CliProcess.Dll(), "--storage", account.ConnectionString, "newsletter", "import", Repository.Sample("subscribers.csv") })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Syndication__", StringComparison.OrdinalIgnoreCase) || k == "SYNDICATION_STORAGE").ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (key, value) in sendGrid.Settings())
        {
            if (withKeys || !FakeSendGrid.Keys.ContainsKey(key))
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }
}
