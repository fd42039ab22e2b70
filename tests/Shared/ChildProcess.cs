using System.Diagnostics;

namespace Syndication.Tests;

/// <summary>Runs another program for a test (a feed parser in Python or Node, npm), with a time limit.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="fileName"/> in <paramref name="directory"/>, writes <paramref name="input"/>
    /// (if any) to its standard input, and returns its exit code and output; kills it and throws
    /// <see cref="TimeoutException"/> past <paramref name="timeout"/>. A program not on PATH throws
    /// <see cref="System.ComponentModel.Win32Exception"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string fileName, IReadOnlyList<string> arguments, string directory, byte[]? input, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input);
            process.StandardInput.Close();
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout}.");
        }

        return (process.ExitCode, await output, await error);
    }
}
