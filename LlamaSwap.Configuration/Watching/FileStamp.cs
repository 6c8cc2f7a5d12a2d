namespace LlamaSwap.Configuration.Watching;

/// <summary>What a poll compares: where a path really leads, and the size and write time found there.</summary>
/// <param name="Path">The path as configured or listed.</param>
/// <param name="RealPath">With every symbolic link resolved, so swapping a link (a Kubernetes ConfigMap's
/// <c>..data</c>) is a change even when the old and new files have the same size and time.</param>
internal sealed record FileStamp(string Path, string RealPath, long Length, DateTime LastWriteUtc)
{
    /// <returns>Null when the path does not lead to a readable file (missing, a dangling link, a directory).</returns>
    public static FileStamp? Take(string path)
    {
        try
        {
            var realPath = Watching.RealPath.Resolve(path);
            var info = new FileInfo(realPath);
            return info.Exists ? new FileStamp(path, realPath, info.Length, info.LastWriteTimeUtc) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
