namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// Finds the file an <c>argv[0]</c> names, the way a shell's command lookup does: a name with a <c>/</c> is a path
/// (relative to the working directory), anything else is searched in <c>PATH</c>.
/// </summary>
internal static class ExecutableResolver
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Returns the absolute path, or null with <paramref name="problem"/> saying why in words a user can act on.</summary>
    public static string? Resolve(string name, string? searchPath, out string problem)
    {
        problem = "";
        if (name.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(name);
            if (IsExecutableFile(full))
            {
                return full;
            }

            problem = File.Exists(full) ? $"'{name}' is not executable" : $"'{name}' does not exist";
            return null;
        }

        foreach (var directory in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (IsExecutableFile(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        problem = $"executable file '{name}' not found in $PATH";
        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        try
        {
            return File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & AnyExecute) != 0);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
