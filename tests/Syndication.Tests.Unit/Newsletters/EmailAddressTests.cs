using Syndication.Core.Newsletters;

namespace Syndication.Tests.Newsletters;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("priya.nair@example.com", "priya.nair@example.com")]
    [InlineData("  Priya.Nair@EXAMPLE.Com \t", "Priya.Nair@example.com")]
    [InlineData("k.oduya+news@mail.example.net", "k.oduya+news@mail.example.net")]
    [InlineData("o'brien@example.co.uk", "o'brien@example.co.uk")]
    [InlineData("user@münchen.example", "user@xn--mnchen-3ya.example")]
    public void Valid_addresses_are_trimmed_and_their_domain_lower_cased(string input, string expected)
    {
        Assert.True(EmailAddress.TryParse(input, out var address));
        Assert.Equal(expected, address.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("priya@")]
    [InlineData("priya@@example.com")]
    [InlineData("priya@exa@mple.com")]
    [InlineData("priya@localhost")]
    [InlineData("priya@example")]
    [InlineData("priya@example.c")]
    [InlineData("priya@example.123")]
    [InlineData("priya@[192.168.0.1]")]
    [InlineData("priya@-example.com")]
    [InlineData("priya@example-.com")]
    [InlineData("priya@exa_mple.com")]
    [InlineData("priya@example..com")]
    [InlineData(".priya@example.com")]
    [InlineData("priya.@example.com")]
    [InlineData("pri..ya@example.com")]
    [InlineData("\"priya nair\"@example.com")]
    [InlineData("Priya Nair <priya@example.com>")]
    [InlineData("priya@example.com, rahul@example.org")]
    [InlineData("priya@example.com;rahul@example.org")]
    [InlineData("priya(comment)@example.com")]
    [InlineData("pri ya@example.com")]
    [InlineData("priyá@example.com")]
    public void Junk_is_refused(string? input)
    {
        Assert.False(EmailAddress.TryParse(input, out _));
    }

    [Theory]
    [InlineData("priya@example.com\r\nBcc: everyone@example.org")]
    [InlineData("priya@example.com\nBcc: everyone@example.org")]
    [InlineData("priya@example.com\rX")]
    [InlineData("priya\r\n@example.com")]
    [InlineData("priya@example.com\0")]
    [InlineData("priya@exam\u2028ple.com")]
    public void Addresses_with_line_breaks_or_control_characters_are_refused(string input)
    {
        Assert.False(EmailAddress.TryParse(input, out _));
        Assert.Throws<FormatException>(() => EmailAddress.Parse(input));
    }

    [Fact]
    public void Overlong_addresses_are_refused()
    {
        Assert.False(EmailAddress.TryParse(new string('a', 65) + "@example.com", out _));
        Assert.False(EmailAddress.TryParse("a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".com", out _));
        Assert.True(EmailAddress.TryParse(new string('a', 64) + "@example.com", out _));
    }

    [Fact]
    public void Case_of_the_local_part_is_kept_for_sending_but_does_not_make_another_subscriber()
    {
        var upper = EmailAddress.Parse("Priya.Nair@Example.com");
        var lower = EmailAddress.Parse("priya.nair@example.com");

        Assert.Equal("Priya.Nair@example.com", upper.Value);
        Assert.Equal(lower, upper);
        Assert.Equal(lower.GetHashCode(), upper.GetHashCode());
        Assert.Equal("priya.nair@example.com", upper.CanonicalKey);
    }

    [Fact]
    public void Every_sample_subscriber_address_is_valid()
    {
        var lines = File.ReadAllLines(Repository.Sample("subscribers.csv")).Skip(1).Where(l => l.Length > 0).ToList();

        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.True(EmailAddress.TryParse(line.Split(',')[0], out _), line));
    }
}

public sealed class SubscriberIdsTests
{
    private static readonly SubscriberIds Ids = new(Enumerable.Repeat((byte)7, 32).ToArray());

    [Fact]
    public void The_same_subscriber_always_gets_the_same_id_whatever_the_case_they_type()
    {
        var id = Ids.IdFor(EmailAddress.Parse("priya.nair@example.com"));

        Assert.Equal(id, Ids.IdFor(EmailAddress.Parse(" Priya.Nair@EXAMPLE.com ")));
        Assert.Equal(32, id.Length);
        Assert.All(id, c => Assert.True(char.IsAsciiHexDigitLower(c)));
    }

    [Fact]
    public void Ids_reveal_nothing_of_the_address_and_depend_on_the_key()
    {
        var address = EmailAddress.Parse("priya.nair@example.com");
        var id = Ids.IdFor(address);
        var plainHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(address.CanonicalKey)));

        Assert.DoesNotContain("priya", id, StringComparison.OrdinalIgnoreCase);
        Assert.False(plainHash.StartsWith(id, StringComparison.Ordinal), "a plain hash of the address would let anyone confirm a guessed address");
        Assert.NotEqual(id, new SubscriberIds(Enumerable.Repeat((byte)8, 32).ToArray()).IdFor(address));
        Assert.NotEqual(id, Ids.IdFor(EmailAddress.Parse("rahul.mehta@example.org")));
    }

    [Fact]
    public void Ids_are_valid_in_tokens()
    {
        var tokens = new SubscriberTokens(new TokenKeyRing("a", new Dictionary<string, byte[]> { ["a"] = new byte[32] }), TimeProvider.System);
        var id = Ids.IdFor(EmailAddress.Parse("priya.nair@example.com"));

        Assert.Equal(id, tokens.Verify(tokens.Issue(TokenPurpose.Preferences, id), TokenPurpose.Preferences).Token!.SubscriberId);
    }

    [Fact]
    public void A_short_key_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new SubscriberIds(new byte[16]));
    }
}
