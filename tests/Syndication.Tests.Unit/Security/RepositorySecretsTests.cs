using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Syndication.Tests.Security;

/// <summary>Secrets never enter the repository: every tracked file is scanned for the shapes of real keys.</summary>
public sealed partial class RepositorySecretsTests
{
    /// <summary>Azurite's account key: published by Microsoft for the emulator, not a secret.</summary>
    private const string EmulatorKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void No_tracked_file_holds_a_sendgrid_key_a_storage_key_or_a_private_key()
    {
        var files = TrackedFiles();
        Assert.True(files.Count > 100, "the scan must see the repository's files");
        var findings = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(Repository.Root, file);
            if (!File.Exists(path) || new FileInfo(path).Length > 2_000_000)
            {
                continue;
            }

            var text = File.ReadAllText(path);
            foreach (Match match in SendGridKey().Matches(text))
            {
                findings.Add($"{file}: a SendGrid API key ({match.Value[..6]}...)");
            }

            foreach (Match match in AccountKey().Matches(text))
            {
                if (match.Groups["key"].Value != EmulatorKey)
                {
                    findings.Add($"{file}: a storage account key");
                }
            }

            if (PrivateKey().IsMatch(text))
            {
                findings.Add($"{file}: a private key block");
            }

            if (InstrumentationKey().Match(text) is { Success: true } appInsights && !appInsights.Value.Contains("=00000000-0000-0000-0000-", StringComparison.Ordinal))
            {
                findings.Add($"{file}: an Application Insights key");
            }
        }

        Assert.Empty(findings);
    }

    [Fact]
    public void The_scan_recognises_each_kind_of_secret()
    {
        Assert.Matches(SendGridKey(), "SG." + new string('a', 22) + "." + new string('b', 43));
        Assert.Matches(AccountKey(), "AccountKey=" + new string('Q', 86) + "==");
        // Assembled here, so this file does not hold what the scan looks for.
        Assert.Matches(PrivateKey(), "-----BEGIN EC " + "PRIVATE KEY-----");
        Assert.Matches(InstrumentationKey(), "Instrumentation" + "Key=12345678-1234-1234-1234-123456789abc");
    }

    private static List<string> TrackedFiles()
    {
        var git = Process.Start(new ProcessStartInfo("git", "ls-files -z")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    [GeneratedRegex(@"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}")]
    private static partial Regex SendGridKey();

    [GeneratedRegex(@"AccountKey=(?<key>[A-Za-z0-9+/]{86}==)")]
    private static partial Regex AccountKey();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"InstrumentationKey=[0-9a-fA-F-]{36}")]
    private static partial Regex InstrumentationKey();
}
