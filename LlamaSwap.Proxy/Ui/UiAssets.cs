using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace LlamaSwap.Proxy.Ui;

/// <summary>
/// The UI build output, read once from the Proxy assembly's embedded resources (see
/// <c>build/FrontEnd.targets</c>) and kept in memory: the whole UI is a few hundred kilobytes.
/// </summary>
internal sealed class UiAssets
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    // Types that shrink under Brotli; images and fonts are already compressed.
    private static readonly string[] CompressibleTypes = ["text/", "application/javascript", "application/json", "image/svg+xml"];

    private readonly FrozenDictionary<string, UiAsset> _assets;

    public UiAssets(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        _assets = files.Select(f => Create(f.Key, f.Value)).ToFrozenDictionary(a => a.Path, StringComparer.Ordinal);
    }

    /// <summary>True when the build output was embedded (the Proxy was built with its front end).</summary>
    public bool IsAvailable => _assets.ContainsKey(UiPaths.IndexFile);

    public int Count => _assets.Count;

    public UiAsset? Index => Find(UiPaths.IndexFile);

    /// <param name="path">Relative to the UI root, without a leading slash, e.g. <c>assets/index-1a2b.js</c>.</param>
    public UiAsset? Find(string path) => _assets.GetValueOrDefault(path);

    public static UiAssets FromAssembly(Assembly assembly)
    {
        var files = new List<KeyValuePair<string, byte[]>>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(UiPaths.ResourcePrefix, StringComparison.Ordinal))
                continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files.Add(new(name[UiPaths.ResourcePrefix.Length..], buffer.ToArray()));
        }
        return new UiAssets(files);
    }

    private static UiAsset Create(string path, byte[] content)
    {
        if (!ContentTypes.TryGetContentType(path, out var contentType))
            contentType = "application/octet-stream";
        if (contentType.StartsWith("text/", StringComparison.Ordinal) || contentType is "application/javascript" or "application/json")
            contentType += "; charset=utf-8";

        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"";
        var immutable = path.StartsWith(UiPaths.HashedFolder, StringComparison.Ordinal);
        return new UiAsset(path, content, Compress(content, contentType), contentType, etag, immutable);
    }

    private static byte[]? Compress(byte[] content, string contentType)
    {
        if (content.Length < 1024 || !CompressibleTypes.Any(t => contentType.StartsWith(t, StringComparison.Ordinal)))
            return null;
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Optimal))
            brotli.Write(content);
        var compressed = output.ToArray();
        return compressed.Length < content.Length * 9 / 10 ? compressed : null;
    }
}
