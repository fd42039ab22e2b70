using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Syndication.Tests.Infrastructure;

/// <summary>
/// The chromium command line, headless, as the driver of page tests: <c>--dump-dom</c> for what the
/// page holds after it rendered, <c>--screenshot</c> for what a person sees. No Playwright, no
/// WebDriver: the browser from Debian's package is enough for static pages.
/// </summary>
internal static partial class HeadlessChromium
{
    private static readonly Lazy<string?> Executable = new(() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists));

    public static bool IsInstalled => Executable.Value is not null;

    /// <summary>The page's DOM after load, serialized.</summary>
    public static async Task<string> DumpDomAsync(Uri url) =>
        (await RunAsync(["--dump-dom", url.AbsoluteUri])).Output;

    /// <summary>What a person reads: the DOM's text without tags, styles and entities, whitespace collapsed.</summary>
    public static string VisibleText(string dom)
    {
        var body = StyleOrHead().Replace(dom, " ");
        return Whitespace().Replace(WebUtility.HtmlDecode(Tags().Replace(body, " ")), " ").Trim();
    }

    /// <summary>Writes a PNG of the page at <paramref name="width"/> x <paramref name="height"/> CSS pixels.</summary>
    public static async Task ScreenshotAsync(Uri url, string path, int width, int height) =>
        await RunAsync([$"--screenshot={path}", $"--window-size={width},{height}", "--hide-scrollbars", url.AbsoluteUri]);

    private static async Task<(string Output, string Errors)> RunAsync(string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var start = new ProcessStartInfo(Executable.Value ?? throw new InvalidOperationException("chromium is not installed (.ci/run installs it: apt-get install chromium)."))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}", .. arguments])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish within 90 s: {await errors}");
            }

            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {await errors}");
            return (await output, await errors);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"<(style|head)\b.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleOrHead();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

/// <summary>
/// A fact that drives headless Chromium. Skipped where chromium is absent on a developer's
/// machine; never skipped in CI (<c>CI=true</c>), where <c>.ci/run</c> installs it, so there a
/// missing browser fails the test.
/// </summary>
internal sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!HeadlessChromium.IsInstalled && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "chromium is not installed here (sudo apt-get install -y chromium); CI installs it and runs this test.";
        }
    }
}
