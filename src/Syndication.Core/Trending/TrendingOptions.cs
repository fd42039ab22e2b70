namespace Syndication.Core.Trending;

/// <summary>
/// Knobs of <see cref="TrendingRanker"/>, bound from <c>Syndication:Trending</c> by the stage.
/// docs/trending.md explains each against the formula.
/// </summary>
public sealed record TrendingOptions
{
    public const string SectionName = "Syndication:Trending";

    public static TrendingOptions Default { get; } = new();

    /// <summary>Views lose half their weight every this long: what "now" means for a story.</summary>
    public TimeSpan HalfLife { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Only articles published at most this long ago can trend.</summary>
    public TimeSpan EligibilityWindow { get; init; } = TimeSpan.FromHours(48);

    /// <summary>
    /// Strength of the Global prior, in decayed views (m): an edition needs about this many
    /// recent views of its own before its readers, rather than the whole site, decide its box.
    /// </summary>
    public double PriorWeight { get; init; } = 100;

    /// <summary>A challenger must score more than (1 + margin) times an article already in the box to take its place.</summary>
    public double HysteresisMargin { get; init; } = 0.10;

    /// <summary>Items per box (N).</summary>
    public int TopCount { get; init; } = 10;

    /// <summary>The edition that carries everything; its box ranks the whole site's views.</summary>
    public string GlobalEdition { get; init; } = "global";

    /// <summary>Names every setting that is out of range, as the app's start-up validation does.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (HalfLife < TimeSpan.FromMinutes(1) || HalfLife > TimeSpan.FromDays(7))
        {
            errors.Add($"{SectionName}:HalfLife must be between 1 minute and 7 days, not {HalfLife}.");
        }

        if (EligibilityWindow < TimeSpan.FromHours(1) || EligibilityWindow > TimeSpan.FromDays(30))
        {
            errors.Add($"{SectionName}:EligibilityWindow must be between 1 hour and 30 days, not {EligibilityWindow}.");
        }

        if (!double.IsFinite(PriorWeight) || PriorWeight < 0)
        {
            errors.Add($"{SectionName}:PriorWeight must be a finite number of views, zero or more, not {PriorWeight}.");
        }

        if (!double.IsFinite(HysteresisMargin) || HysteresisMargin is < 0 or > 1)
        {
            errors.Add($"{SectionName}:HysteresisMargin must be between 0 and 1, not {HysteresisMargin}.");
        }

        if (TopCount is < 1 or > 100)
        {
            errors.Add($"{SectionName}:TopCount must be between 1 and 100, not {TopCount}.");
        }

        if (string.IsNullOrWhiteSpace(GlobalEdition))
        {
            errors.Add($"{SectionName}:GlobalEdition must name an edition.");
        }

        return errors;
    }
}
