using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

public sealed class SubscriberTokensTests
{
    private const string Subscriber = "3f2a9c0e4b1d7a6859e0c3b2a1f4d5e6";
    private static readonly byte[] KeyA = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero));

    private SubscriberTokens Tokens(string current = "a", params (string Id, byte[] Key)[] keys) =>
        new(new TokenKeyRing(current, keys.Length == 0 ? new Dictionary<string, byte[]> { ["a"] = KeyA } : keys.ToDictionary(k => k.Id, k => k.Key)), _clock);

    [Theory]
    [InlineData(TokenPurpose.Confirm)]
    [InlineData(TokenPurpose.Unsubscribe)]
    [InlineData(TokenPurpose.Preferences)]
    public void A_token_verifies_for_its_purpose_and_carries_the_subscriber(TokenPurpose purpose)
    {
        var tokens = Tokens();
        var token = tokens.Issue(purpose, Subscriber);

        var result = tokens.Verify(token, purpose);

        Assert.True(result.IsValid);
        Assert.Equal(Subscriber, result.Token!.SubscriberId);
        Assert.Equal(purpose, result.Token.Purpose);
        Assert.Equal("a", result.Token.KeyId);
        Assert.Equal(_clock.GetUtcNow(), result.Token.IssuedAt);
    }

    [Fact]
    public void Tokens_are_url_path_safe_and_do_not_contain_the_subscriber_id_in_clear()
    {
        var token = Tokens().Issue(TokenPurpose.Unsubscribe, Subscriber);

        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not base64url"));
        Assert.DoesNotContain(Subscriber, token, StringComparison.Ordinal);
        Assert.InRange(token.Length, 80, 140);
        Assert.Equal(Uri.EscapeDataString(token), token);
    }

    [Fact]
    public void A_confirm_token_expires_after_seven_days_and_not_before()
    {
        var tokens = Tokens();
        var token = tokens.Issue(TokenPurpose.Confirm, Subscriber);

        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.True(tokens.Verify(token, TokenPurpose.Confirm).IsValid);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero), tokens.Verify(token, TokenPurpose.Confirm).Token!.ExpiresAt);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenStatus.Expired, tokens.Verify(token, TokenPurpose.Confirm).Status);
    }

    [Fact]
    public void Unsubscribe_and_preferences_tokens_never_expire()
    {
        var tokens = Tokens();
        var unsubscribe = tokens.Issue(TokenPurpose.Unsubscribe, Subscriber);
        var preferences = tokens.Issue(TokenPurpose.Preferences, Subscriber);

        _clock.Advance(TimeSpan.FromDays(3650));

        Assert.True(tokens.Verify(unsubscribe, TokenPurpose.Unsubscribe).IsValid);
        Assert.True(tokens.Verify(preferences, TokenPurpose.Preferences).IsValid);
        Assert.Null(tokens.Verify(unsubscribe, TokenPurpose.Unsubscribe).Token!.ExpiresAt);
    }

    [Theory]
    [InlineData(TokenPurpose.Unsubscribe, TokenPurpose.Confirm)]
    [InlineData(TokenPurpose.Confirm, TokenPurpose.Unsubscribe)]
    [InlineData(TokenPurpose.Preferences, TokenPurpose.Unsubscribe)]
    [InlineData(TokenPurpose.Unsubscribe, TokenPurpose.Preferences)]
    public void A_token_for_one_purpose_is_refused_for_another(TokenPurpose issued, TokenPurpose used)
    {
        var tokens = Tokens();
        var result = tokens.Verify(tokens.Issue(issued, Subscriber), used);

        Assert.Equal(TokenStatus.WrongPurpose, result.Status);
        Assert.Null(result.Token);
    }

    [Fact]
    public void Changing_any_single_byte_of_a_token_is_detected()
    {
        var tokens = Tokens();
        var token = tokens.Issue(TokenPurpose.Unsubscribe, Subscriber);
        var bytes = Base64Url.DecodeFromChars(token);

        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x01;
            var result = tokens.Verify(Base64Url.EncodeToString(tampered), TokenPurpose.Unsubscribe);
            Assert.False(result.IsValid, $"a change to byte {i} was accepted");
            Assert.Null(result.Token);
        }
    }

    [Fact]
    public void A_token_for_another_subscriber_cannot_be_made_by_editing_the_id()
    {
        var tokens = Tokens();
        var bytes = Base64Url.DecodeFromChars(tokens.Issue(TokenPurpose.Unsubscribe, Subscriber));
        var at = bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(Subscriber));
        System.Text.Encoding.ASCII.GetBytes("0000000000000000000000000000000a").CopyTo(bytes, at);

        Assert.Equal(TokenStatus.BadSignature, tokens.Verify(Base64Url.EncodeToString(bytes), TokenPurpose.Unsubscribe).Status);
    }

    [Fact]
    public void A_token_signed_with_another_key_under_the_same_id_is_refused()
    {
        var forger = Tokens("a", ("a", KeyB));

        Assert.Equal(TokenStatus.BadSignature, Tokens().Verify(forger.Issue(TokenPurpose.Unsubscribe, Subscriber), TokenPurpose.Unsubscribe).Status);
    }

    [Fact]
    public void A_token_with_a_key_id_the_ring_does_not_have_is_refused()
    {
        var other = Tokens("b", ("b", KeyB));

        Assert.Equal(TokenStatus.UnknownKey, Tokens().Verify(other.Issue(TokenPurpose.Unsubscribe, Subscriber), TokenPurpose.Unsubscribe).Status);
    }

    [Fact]
    public void After_rotation_new_tokens_use_the_new_key_and_old_ones_still_verify_until_the_old_key_goes()
    {
        var before = Tokens("a", ("a", KeyA));
        var old = before.Issue(TokenPurpose.Unsubscribe, Subscriber);
        var rotated = Tokens("b", ("a", KeyA), ("b", KeyB));
        var fresh = rotated.Issue(TokenPurpose.Unsubscribe, Subscriber);
        var retired = Tokens("b", ("b", KeyB));

        Assert.Equal("b", rotated.Verify(fresh, TokenPurpose.Unsubscribe).Token!.KeyId);
        Assert.True(rotated.Verify(old, TokenPurpose.Unsubscribe).IsValid);
        Assert.Equal(TokenStatus.UnknownKey, before.Verify(fresh, TokenPurpose.Unsubscribe).Status);
        Assert.Equal(TokenStatus.UnknownKey, retired.Verify(old, TokenPurpose.Unsubscribe).Status);
        Assert.True(retired.Verify(fresh, TokenPurpose.Unsubscribe).IsValid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("abc")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Zm9vYmFy/+==")]
    [InlineData("%41%42")]
    public void Garbage_is_malformed(string? token)
    {
        Assert.Equal(TokenStatus.Malformed, Tokens().Verify(token, TokenPurpose.Unsubscribe).Status);
    }

    [Fact]
    public void A_token_that_is_too_long_is_refused_before_it_is_decoded()
    {
        Assert.Equal(TokenStatus.Malformed, Tokens().Verify(new string('A', SubscriberTokens.MaximumTokenLength + 1), TokenPurpose.Unsubscribe).Status);
    }

    [Fact]
    public void A_truncated_token_is_refused()
    {
        var token = Tokens().Issue(TokenPurpose.Unsubscribe, Subscriber);

        for (var cut = 1; cut < token.Length; cut++)
        {
            Assert.False(Tokens().Verify(token[..^cut], TokenPurpose.Unsubscribe).IsValid);
        }

        Assert.False(Tokens().Verify(token + "AAAA", TokenPurpose.Unsubscribe).IsValid);
    }

    [Fact]
    public void Keys_shorter_than_32_bytes_and_a_current_id_outside_the_ring_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new TokenKeyRing("a", new Dictionary<string, byte[]> { ["a"] = new byte[16] }));
        Assert.Throws<ArgumentException>(() => new TokenKeyRing("b", new Dictionary<string, byte[]> { ["a"] = KeyA }));
        Assert.Throws<ArgumentException>(() => new TokenKeyRing("a/b", new Dictionary<string, byte[]> { ["a/b"] = KeyA }));
    }

    [Fact]
    public void A_ring_reads_base64_keys_from_configuration()
    {
        var ring = TokenKeyRing.FromBase64("k2", new Dictionary<string, string> { ["k1"] = Convert.ToBase64String(KeyA), ["k2"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });

        Assert.Equal("k2", ring.CurrentKeyId);
        Assert.Throws<ArgumentException>(() => TokenKeyRing.FromBase64("k1", new Dictionary<string, string> { ["k1"] = "not base64!" }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("priya@example.com")]
    [InlineData("id with spaces")]
    public void Only_opaque_ids_are_signed(string id)
    {
        Assert.Throws<ArgumentException>(() => Tokens().Issue(TokenPurpose.Unsubscribe, id));
    }
}
