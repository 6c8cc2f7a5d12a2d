namespace LlamaSwap.Configuration.Validation;

/// <summary>Checks that the activity store can be written: an existing writable regular file, or a writable directory to create it in.</summary>
internal static class StorePathValidator
{
    /// <returns>The problem, or null when the path is usable.</returns>
    public static string? Check(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "must not be empty";
        }

        if (Directory.Exists(path))
        {
            return $"{path} is a directory, not a file";
        }

        if (File.Exists(path))
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                return null;
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                return $"{path} is not writable: {e.Message}";
            }
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is null || !Directory.Exists(parent))
        {
            return $"directory {parent} does not exist";
        }

        // There is no portable access(2); a probe file is the honest test of "can the store be created here".
        var probe = Path.Combine(parent, $".llamaswap-write-probe-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return $"directory {parent} is not writable: {e.Message}";
        }
    }
}
