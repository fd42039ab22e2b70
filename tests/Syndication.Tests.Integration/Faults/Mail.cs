using Syndication.Core.Newsletters;
using Syndication.Tests.Newsletters;

namespace Syndication.Tests.Faults;

/// <summary>What the fault tests assert about mail, as its recipients would see it.</summary>
internal static class Mail
{
    /// <summary>Each expected subscriber got exactly one email; nobody else got any.</summary>
    public static void AssertExactlyOnce(IEnumerable<DeliveredMail> delivered, IEnumerable<Subscriber> expected)
    {
        var counts = delivered.GroupBy(m => m.Subscriber).ToDictionary(g => g.Key, g => g.Count());
        var wanted = expected.Select(s => s.Id).ToHashSet();
        Assert.Empty(counts.Where(c => c.Value != 1).Select(c => $"{c.Key} got {c.Value} emails").Take(10));
        Assert.Empty(wanted.Except(counts.Keys).Select(id => $"{id} got nothing").Take(10));
        Assert.Empty(counts.Keys.Except(wanted).Select(id => $"{id} should have got nothing").Take(10));
    }
}
