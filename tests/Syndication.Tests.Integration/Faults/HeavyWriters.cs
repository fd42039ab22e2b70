namespace Syndication.Tests.Faults;

/// <summary>
/// The fault tests that write thousands of rows to the one shared Azurite (a single Node process):
/// run one after another, not beside each other, so each stays near its own time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HeavyWriters
{
    public const string Name = "Fault tests writing thousands of ledger rows";
}
