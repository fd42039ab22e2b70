using CsCheck;
using Syndication.Adapters.Storage;

namespace Syndication.Tests.Security;

/// <summary>The names originals and records get in archive/ and rejected/: always storable, never colliding.</summary>
public sealed class StoredNamesTests
{
    [Theory]
    [InlineData("story.md")]
    [InlineData("agency/2026/11/25/story.ninjs.json")]
    [InlineData("नई दिल्ली समाचार.md")]
    [InlineData("emoji 📰 story.md")]
    public void Ordinary_names_are_stored_as_they_came(string name)
    {
        Assert.Equal(name, StoredNames.Original(name));
        Assert.Empty(StoredNames.Metadata(name));
    }

    [Theory]
    [InlineData("x.error.json")]
    [InlineData("a/../b.md")]
    [InlineData("a//b.md")]
    [InlineData("./b.md")]
    [InlineData("trailing.")]
    [InlineData("folder/")]
    [InlineData("back\\slash.md")]
    [InlineData("tab\there.md")]
    [InlineData("~hashed/0123456789abcdef0123456789abcdef-story.md")]
    [InlineData("~pageviews/log.jsonl")]
    public void Names_a_blob_path_cannot_hold_or_that_look_like_ours_are_hashed_and_keep_the_original_in_metadata(string name)
    {
        var stored = StoredNames.Original(name);

        Assert.StartsWith(StoredNames.HashedPrefix, stored, StringComparison.Ordinal);
        Assert.True(StoredNames.IsPlain(stored[StoredNames.HashedPrefix.Length..]));
        Assert.False(StoredNames.IsRecord(stored));
        var metadata = Assert.Single(StoredNames.Metadata(name));
        Assert.Equal(StoredNames.OriginalNameKey, metadata.Key);
        Assert.All(metadata.Value, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void A_name_with_half_a_surrogate_pair_is_hashed()
    {
        // Built here: a theory's data would reach the test with the half pair already replaced.
        var name = "half " + (char)0xD800 + " surrogate.md";
        Assert.StartsWith(StoredNames.HashedPrefix, StoredNames.Original(name), StringComparison.Ordinal);
        Assert.Single(StoredNames.Metadata(name));
    }

    [Fact]
    public void A_name_of_1024_characters_of_any_script_fits_the_archive_and_its_metadata()
    {
        foreach (var name in new[] { new string('a', 1_024), new string('語', 1_024), string.Concat(Enumerable.Repeat("📰", 512)) })
        {
            var stored = StoredNames.Original(name);
            Assert.True(("2026/11/25/" + stored).Length <= 1_024);
            Assert.True(StoredNames.Record(stored).Length <= 1_024);
            Assert.True(StoredNames.Metadata(name).Sum(m => m.Key.Length + m.Value.Length) < 8 * 1024);
        }
    }

    [Fact]
    public void Whatever_two_files_are_called_their_originals_and_records_never_share_a_name()
    {
        string[] pieces = ["a", ".error.json", ".json", "/", ".", "..", "~", "~hashed/", "\\", "\t", "x.md", "語", "\ud800"];
        var piece = Gen.Int[0, pieces.Length - 1].Select(i => pieces[i]);
        Gen.Select(piece.Array[1, 8], piece.Array[1, 8]).Sample((left, right) =>
        {
            var (a, b) = (string.Concat(left), string.Concat(right));
            var (storedA, storedB) = (StoredNames.Original(a), StoredNames.Original(b));
            Assert.False(StoredNames.IsRecord(storedA));
            Assert.True(StoredNames.IsRecord(StoredNames.Record(storedA)));
            Assert.NotEqual(storedA, StoredNames.Record(storedB));
            Assert.Equal(a == b, storedA == storedB);
        });
    }
}
