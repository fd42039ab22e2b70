namespace Syndication.Cli.Commands;

/// <summary>Files on this machine that verbs drop into storage.</summary>
internal static class LocalFiles
{
    /// <summary>Files to drop, each with the blob name it gets: a file its own name, a folder's files their path inside it.</summary>
    public static List<(string File, string Name)> Expand(IEnumerable<string> paths)
    {
        var files = new List<(string, string)>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add((path, Path.GetFileName(path)));
            }
            else if (Directory.Exists(path))
            {
                var root = Path.GetFullPath(path);
                var parent = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar));
                foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    if (!Path.GetFileName(file).StartsWith('.'))
                    {
                        files.Add((file, parent + "/" + Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/')));
                    }
                }
            }
            else
            {
                throw new CommandException($"No such file or folder: {path}");
            }
        }

        return files;
    }

    /// <summary>Puts a local page-view log into <c>pageviews/</c>, streamed, as an export would.</summary>
    public static async Task DropLogAsync(PipelineSession session, string file, string name, CancellationToken cancellationToken)
    {
        await using var content = File.OpenRead(file);
        await session.PageViews.DropAsync(name, content, cancellationToken);
    }
}
