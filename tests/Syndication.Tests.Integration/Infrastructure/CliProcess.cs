using System.Runtime.InteropServices;

namespace Syndication.Tests.Infrastructure;

/// <summary>Where the CLI is, for tests that run it as its own process (its own environment, a kill).</summary>
internal static class CliProcess
{
    /// <summary>
    /// The CLI as its own project built it, in the tests' configuration (the test project
    /// references it, so it is built with them): its own deps.json resolves its own packages,
    /// which the copy beside the tests, under the tests' deps.json, does not.
    /// </summary>
    public static string Dll()
    {
        var configuration = typeof(CliProcess).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().Single().Configuration;
        var framework = Path.GetFileName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(Repository.Root, "src", "Syndication.Cli", "bin", configuration, framework, "syndication.dll");
        Assert.True(File.Exists(dll), $"The CLI is not built: {dll}");
        return dll;
    }

    /// <summary>The dotnet host this test runs on, so the CLI runs on the same runtime.</summary>
    public static string DotnetHost()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var beside = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", name));
        return File.Exists(beside) ? beside : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? name;
    }
}
