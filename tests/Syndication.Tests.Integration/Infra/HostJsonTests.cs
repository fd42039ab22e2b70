using System.Text.Json;
using System.Text.RegularExpressions;

namespace Syndication.Tests.Infra;

/// <summary>host.json cannot carry comments; infra/README.md explains each value, and this keeps the two the same.</summary>
public sealed partial class HostJsonTests
{
    [GeneratedRegex(@"^\| `(?<key>[^`]+)` \| `(?<value>[^`]*)` \|", RegexOptions.Multiline)]
    private static partial Regex SettingRow();

    private static Dictionary<string, string> Documented()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "infra", "README.md"));
        var start = readme.IndexOf("## host.json", StringComparison.Ordinal);
        Assert.True(start >= 0, "infra/README.md should have a host.json section.");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return SettingRow().Matches(section).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
    }

    private static Dictionary<string, string> Actual()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(document.RootElement, "", settings);
        return settings;
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string> settings)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", settings);
            }

            return;
        }

        settings[path] = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
    }

    [Fact]
    public void Every_host_json_setting_is_explained_in_infra_readme_with_the_value_it_has()
    {
        var documented = Documented();
        var actual = Actual();

        Assert.Empty(actual.Keys.Except(documented.Keys).Select(k => $"{k} is in host.json but not explained in infra/README.md"));
        Assert.Empty(documented.Keys.Except(actual.Keys).Select(k => $"{k} is explained in infra/README.md but not in host.json"));
        Assert.Empty(documented.Where(kv => actual[kv.Key] != kv.Value).Select(kv => $"{kv.Key}: infra/README.md says {kv.Value}, host.json has {actual[kv.Key]}"));
        Assert.Equal("3", actual["extensions.blobs.poisonBlobThreshold"]); // the runbook's poison-queue section counts on it
    }
}
