namespace Syndication.Tests;

/// <summary>Where the repository and the shared real-world corpus are, seen from a test run.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>The real-world corpus beside the repository (<c>../shared/corpus</c>); CI lays it there.</summary>
    public static string Corpus => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));

    public static bool HasCorpus => Directory.Exists(Corpus);

    public const string NoCorpusReason = "The real-world corpus (../shared/corpus beside the repository) is absent here; it is other people's writing and not copied into the repo.";

    public static string Sample(params string[] parts) => Path.Combine([Samples, .. parts]);

    public static string CorpusFile(params string[] parts) => Path.Combine([Corpus, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Syndication.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tests must run from inside the Syndication checkout.");
    }
}

/// <summary>A fact that needs the shared corpus; skipped, with the reason shown, where it is absent.</summary>
internal sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (!Repository.HasCorpus)
        {
            Skip = Repository.NoCorpusReason;
        }
    }
}

/// <summary>A theory over corpus files; skipped, with the reason shown, where the corpus is absent.</summary>
internal sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (!Repository.HasCorpus)
        {
            Skip = Repository.NoCorpusReason;
        }
    }
}
