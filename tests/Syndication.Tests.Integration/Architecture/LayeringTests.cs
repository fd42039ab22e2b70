using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Syndication.Core.Articles;
using Syndication.Pipeline;

namespace Syndication.Tests.Architecture;

/// <summary>
/// The layers as the README draws them, read from the built assemblies' metadata (every type a
/// method names, in a signature or a body, is a type reference there): the core names no Azure
/// type, and the stage services reach storage only through the adapters.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>
    /// What the stage services may name from the Azure SDKs: the credentials that settings turn into
    /// (<c>StorageSettings</c>, <c>TelemetryCredential</c>). Blob and Table clients, their responses,
    /// ETags and failures stay in the adapters.
    /// </summary>
    private static readonly string[] AllowedInStages =
    [
        "Azure.Core.TokenCredential",
        "Azure.Identity.DefaultAzureCredential",
        "Azure.Identity.DefaultAzureCredentialOptions",
        "Azure.Identity.ManagedIdentityCredential",
        "Azure.Identity.ManagedIdentityId",
    ];

    [Fact]
    public void The_core_names_no_Azure_type()
    {
        Assert.Empty(AzureTypesNamedBy(typeof(Article).Assembly.Location));
        Assert.DoesNotContain(typeof(Article).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Azure", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stage_services_name_no_storage_SDK_type()
    {
        var named = AzureTypesNamedBy(typeof(TrendingStage).Assembly.Location);

        Assert.All(named, type => Assert.Contains(type, AllowedInStages));
    }

    /// <summary>The full names of the types in Azure namespaces that an assembly refers to.</summary>
    private static List<string> AzureTypesNamedBy(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.TypeReferences
            .Select(handle => FullName(metadata, metadata.GetTypeReference(handle)))
            .Where(name => name.StartsWith("Azure.", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    private static string FullName(MetadataReader metadata, TypeReference type)
    {
        var name = metadata.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            // A nested type: its namespace is its declaring type's.
            return FullName(metadata, metadata.GetTypeReference((TypeReferenceHandle)type.ResolutionScope)) + "+" + name;
        }

        var space = metadata.GetString(type.Namespace);
        return space.Length == 0 ? name : space + "." + name;
    }
}
