using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace LlamaSwap.Configuration.Watching;

/// <summary>The stamps of every file a <see cref="ConfigSource"/> reads, taken in one poll.</summary>
/// <param name="IsComplete">The file exists and the directory holds at least one YAML file. An incomplete
/// source is mid-replacement (or not there yet): it is never loaded.</param>
internal sealed class SourceSnapshot(ImmutableArray<FileStamp> files, bool isComplete) : IEquatable<SourceSnapshot>
{
    public ImmutableArray<FileStamp> Files { get; } = files;
    public bool IsComplete { get; } = isComplete;

    public static SourceSnapshot Take(ConfigSource source)
    {
        var files = ImmutableArray.CreateBuilder<FileStamp>();
        var complete = true;
        if (source.File is { } file)
        {
            var stamp = FileStamp.Take(file);
            if (stamp is not null)
                files.Add(stamp);
            complete = stamp is not null;
        }

        if (source.Directory is { } directory)
        {
            var stamps = YamlFilesIn(directory).Select(FileStamp.Take).OfType<FileStamp>().ToList();
            files.AddRange(stamps);
            complete &= stamps.Count > 0;
        }

        return new SourceSnapshot(files.ToImmutable(), complete);
    }

    /// <summary>
    /// SHA-256 over every file's path and bytes. Null when a file vanished while being read (look again next
    /// poll). A file that cannot be read for another reason hashes as its error, so the load that reports the
    /// error runs once, not on every poll.
    /// </summary>
    public string? ComputeContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.Path + "\0"));
            try
            {
                var content = File.ReadAllBytes(file.Path);
                hash.AppendData(BitConverter.GetBytes((long)content.Length));
                hash.AppendData(content);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hash.AppendData(Encoding.UTF8.GetBytes("\0unreadable\0" + e.Message));
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public bool Equals(SourceSnapshot? other) =>
        other is not null && IsComplete == other.IsComplete && Files.SequenceEqual(other.Files);

    public override bool Equals(object? obj) => Equals(obj as SourceSnapshot);

    public override int GetHashCode() => HashCode.Combine(IsComplete, Files.Length);

    /// <summary>Top-level <c>*.yaml</c> and <c>*.yml</c> files (any letter case), in ordinal name order.</summary>
    private static IEnumerable<string> YamlFilesIn(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory)
                .Where(path => Path.GetExtension(path).ToUpperInvariant() is ".YAML" or ".YML")
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
