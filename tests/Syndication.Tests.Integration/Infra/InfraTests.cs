using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Syndication.Adapters.Storage;
using Xunit.Abstractions;

namespace Syndication.Tests.Infra;

/// <summary>
/// Infrastructure and code cannot drift apart: infra/main.bicep is compiled to ARM JSON with the
/// pinned Bicep CLI (restored with this project, no network at test time), and what it wires up is
/// checked against the built Functions app's functions.metadata and the app's storage names.
/// </summary>
public sealed partial class InfraTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonElement> Template = new(CompileMainBicep, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A function the Event Grid subscriptions deliver BlobCreated events of a container to.</summary>
    private sealed record Subscription(string FunctionName, string Container);

    [LinuxFact]
    public void Every_event_grid_subscription_points_at_a_built_function_with_an_event_grid_blob_trigger_on_its_container()
    {
        var subscriptions = Subscriptions();
        var triggers = BlobTriggers();
        output.WriteLine($"Event Grid subscriptions in infra/main.bicep: {string.Join(", ", subscriptions.Select(s => $"{s.FunctionName} <- {s.Container}/"))}");
        output.WriteLine($"Blob triggers in functions.metadata: {string.Join(", ", triggers.Select(t => $"{t.Key} ({t.Value.Source}) <- {t.Value.Path}"))}");

        Assert.NotEmpty(subscriptions);
        var problems = new List<string>();
        foreach (var (function, container) in subscriptions)
        {
            if (!triggers.TryGetValue(function, out var trigger))
            {
                problems.Add($"{function}: no function of that name with a blob trigger in the built app (the webhook handshake would fail at provision). " +
                    "Remove it from eventGridFunctions in infra/main.bicep, or add it when the function lands.");
                continue;
            }

            if (trigger.Source != "EventGrid")
            {
                problems.Add($"{function}: its blob trigger's source is '{trigger.Source}', not EventGrid (Flex Consumption supports only Event Grid-sourced blob triggers).");
            }

            if (!trigger.Path.StartsWith(container + "/", StringComparison.Ordinal))
            {
                problems.Add($"{function}: the subscription filters container '{container}' but the trigger path is '{trigger.Path}'.");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [LinuxFact]
    public void Every_event_grid_blob_trigger_of_the_built_app_has_a_subscription()
    {
        var subscribed = Subscriptions().Select(s => s.FunctionName).ToHashSet(StringComparer.Ordinal);
        var missing = BlobTriggers()
            .Where(t => t.Value.Source == "EventGrid" && !subscribed.Contains(t.Key))
            .Select(t => $"{t.Key} ({t.Value.Path})")
            .ToList();

        Assert.True(
            missing.Count == 0,
            $"These Event Grid-sourced blob triggers would never fire in Azure: add them to eventGridFunctions in infra/main.bicep: {string.Join(", ", missing)}");
    }

    [LinuxFact]
    public void The_template_subscribes_each_function_to_blob_created_in_its_container_through_the_blob_extension_webhook()
    {
        var eventGrid = Module("eventGrid");
        Assert.Equal("[parameters('eventGridFunctions')]", eventGrid.GetProperty("properties").GetProperty("parameters").GetProperty("functions").GetProperty("value").GetString());

        var subscription = Resources(eventGrid.GetProperty("properties").GetProperty("template"))
            .Single(r => r.GetProperty("type").GetString() == "Microsoft.EventGrid/systemTopics/eventSubscriptions");
        Assert.Equal("[length(parameters('functions'))]", subscription.GetProperty("copy").GetProperty("count").GetString());

        var properties = subscription.GetProperty("properties");
        var endpoint = properties.GetProperty("destination").GetProperty("properties").GetProperty("endpointUrl").GetString()!;
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.{1}&code={2}", endpoint, StringComparison.Ordinal);
        Assert.Contains("parameters('functions')[copyIndex()].functionName", endpoint, StringComparison.Ordinal);
        Assert.Contains("/host/default", endpoint, StringComparison.Ordinal);
        Assert.Contains(".systemKeys.blobs_extension", endpoint, StringComparison.Ordinal);

        var filter = properties.GetProperty("filter");
        Assert.Equal(["Microsoft.Storage.BlobCreated"], filter.GetProperty("includedEventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            "[format('/blobServices/default/containers/{0}/', parameters('functions')[copyIndex()].container)]",
            filter.GetProperty("subjectBeginsWith").GetString());
        Assert.True(properties.TryGetProperty("deadLetterWithResourceIdentity", out _), "Undeliverable events should be dead-lettered.");
        Assert.True(properties.GetProperty("retryPolicy").TryGetProperty("maxDeliveryAttempts", out _));
    }

    [LinuxFact]
    public void The_storage_account_has_every_container_and_table_the_app_names()
    {
        var variables = Template.Value.GetProperty("variables");
        var containers = variables.GetProperty("pipelineContainers").EnumerateArray().Select(c => c.GetString()!).ToHashSet(StringComparer.Ordinal);
        var tables = variables.GetProperty("tables").EnumerateArray().Select(t => t.GetString()!).ToHashSet(StringComparer.Ordinal);

        Assert.Subset(containers, StorageNames.PrivateContainers.ToHashSet(StringComparer.Ordinal));
        Assert.Equal(StorageNames.FeedsContainer, variables.GetProperty("feedsContainer").GetString());
        Assert.Subset(tables, StorageNames.Tables.ToHashSet(StringComparer.Ordinal));
    }

    [LinuxFact]
    public void The_vault_cannot_be_purged_and_the_app_takes_no_password_for_publishing()
    {
        var vault = Assert.Single(ResourcesOfType(Template.Value, "Microsoft.KeyVault/vaults"));
        var policies = ResourcesOfType(Template.Value, "Microsoft.Web/sites/basicPublishingCredentialsPolicies");
        var site = Assert.Single(ResourcesOfType(Template.Value, "Microsoft.Web/sites"));

        // Unconditionally true: no parameter turns it off (Azure would refuse to anyway, once on).
        Assert.Equal(JsonValueKind.True, vault.GetProperty("properties").GetProperty("enablePurgeProtection").ValueKind);
        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.Equal(JsonValueKind.False, p.GetProperty("properties").GetProperty("allow").ValueKind));
        Assert.Equal("Disabled", site.GetProperty("properties").GetProperty("siteConfig").GetProperty("ftpsState").GetString());
    }

    /// <summary>Every resource of a type anywhere in the compiled template, modules' nested templates included.</summary>
    private static List<JsonElement> ResourcesOfType(JsonElement element, string type)
    {
        var found = new List<JsonElement>();
        Walk(element);
        return found;

        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == type && e.TryGetProperty("properties", out _))
                {
                    found.Add(e);
                }

                foreach (var property in e.EnumerateObject())
                {
                    Walk(property.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }
    }

    /// <summary>
    /// The subscriptions the template creates: the default of eventGridFunctions, unless
    /// main.parameters.json (what azd deploys with) sets the parameter.
    /// </summary>
    private static List<Subscription> Subscriptions()
    {
        var parameter = Template.Value.GetProperty("parameters").GetProperty("eventGridFunctions");
        var list = parameter.GetProperty("defaultValue");
        using var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "main.parameters.json")));
        if (parameters.RootElement.GetProperty("parameters").TryGetProperty("eventGridFunctions", out var overridden))
        {
            list = overridden.GetProperty("value").Clone();
        }

        return list.EnumerateArray()
            .Select(f => new Subscription(f.GetProperty("functionName").GetString()!, f.GetProperty("container").GetString()!))
            .ToList();
    }

    private sealed record BlobTrigger(string Path, string Source);

    /// <summary>Functions of the built app with a blob trigger, by name (Functions/FunctionsAppTests locates the build the same way).</summary>
    private static Dictionary<string, BlobTrigger> BlobTriggers()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(Repository.Root, "src", "Syndication.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"The build of the Functions app should produce {path}.");
        using var metadata = JsonDocument.Parse(File.ReadAllText(path));
        var triggers = new Dictionary<string, BlobTrigger>(StringComparer.Ordinal);
        foreach (var function in metadata.RootElement.EnumerateArray())
        {
            foreach (var binding in function.GetProperty("bindings").EnumerateArray())
            {
                if (binding.GetProperty("type").GetString() == "blobTrigger")
                {
                    var source = binding.TryGetProperty("source", out var s) ? s.GetString()! : "LogsAndContainerScan";
                    triggers[function.GetProperty("name").GetString()!] = new BlobTrigger(binding.GetProperty("path").GetString()!, source);
                }
            }
        }

        return triggers;
    }

    /// <summary>A module of main.bicep by its symbolic name (language version 2.0 keys resources by it).</summary>
    private static JsonElement Module(string symbolicName) => Template.Value.GetProperty("resources").GetProperty(symbolicName);

    private static List<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray().ToList()
            : resources.EnumerateObject().Select(p => p.Value).ToList();
    }

    private static JsonElement CompileMainBicep()
    {
        var bicep = typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCliPath").Value!;
        Assert.True(File.Exists(bicep), $"The Bicep CLI should be at {bicep}: `dotnet restore` of this test project downloads it (infra/Bicep.props).");
        var main = Path.Combine(Repository.Root, "infra", "main.bicep");
        var start = new ProcessStartInfo(bicep)
        {
            ArgumentList = { "build", main, "--stdout" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var json = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep build {main} took longer than 3 minutes.");
        }

        Assert.True(process.ExitCode == 0, $"bicep build {main} failed:{Environment.NewLine}{stderr.Result}");
        Assert.DoesNotMatch(ErrorDiagnostic(), stderr.Result);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [GeneratedRegex(@"\) : Error ")]
    private static partial Regex ErrorDiagnostic();
}

/// <summary>A fact that needs the Bicep CLI, which infra/Bicep.props pins for Linux x64 (the CI machine's kind).</summary>
internal sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Skip = "The pinned Bicep CLI (Azure.Bicep.CommandLine.linux-x64) runs on Linux x64 only.";
        }
    }
}
