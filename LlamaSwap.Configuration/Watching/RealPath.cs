namespace LlamaSwap.Configuration.Watching;

/// <summary>Resolves symbolic links in every component of a path, like POSIX <c>realpath</c>.</summary>
internal static class RealPath
{
    private const int MaxLinkHops = 40;

    /// <summary>The absolute path with every link resolved; components that do not exist are kept as written.</summary>
    /// <exception cref="IOException">The links loop.</exception>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var resolved = Path.GetPathRoot(full) ?? "";
        var pending = new Stack<string>(Components(full[resolved.Length..]).Reverse());
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? resolved;
                continue;
            }

            var next = Path.Join(resolved, part);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                resolved = next;
                continue;
            }

            if (++hops > MaxLinkHops)
                throw new IOException($"too many levels of symbolic links in {path}");
            var targetRoot = Path.GetPathRoot(target) ?? "";
            if (targetRoot.Length > 0)
                resolved = targetRoot;
            foreach (var targetPart in Components(target[targetRoot.Length..]).Reverse())
                pending.Push(targetPart);
        }
        return resolved;
    }

    private static string[] Components(string relative) =>
        relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
