using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Newsletters;
using Syndication.Pipeline;

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
}
