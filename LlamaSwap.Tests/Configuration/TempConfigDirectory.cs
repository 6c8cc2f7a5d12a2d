namespace LlamaSwap.Tests.Configuration;

/// <summary>A throwaway directory of config files, deleted on dispose.</summary>
internal sealed class TempConfigDirectory : IDisposable
{
    public TempConfigDirectory() => Root = Directory.CreateTempSubdirectory("llamaswap-config-").FullName;

    public string Root { get; }

    public string Dir(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
