using System.Globalization;
using System.Text.Json;
using LlamaSwap.Supervisor.Processes.Native;

namespace LlamaSwap.Supervisor.Processes.Leftovers;

/// <summary>Reads and atomically replaces the state file (write to a temporary file beside it, then rename).</summary>
internal sealed class UpstreamStateFile(string path)
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";
    private const string FileName = "upstreams.json";
    private const string ApplicationDirectory = "llamaswap";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary><c>$XDG_STATE_HOME/llamaswap/upstreams.json</c>, else <c>~/.local/state/llamaswap/upstreams.json</c>.</summary>
    public static string DefaultPath()
    {
        var stateHome = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(stateHome) || !System.IO.Path.IsPathRooted(stateHome))
        {
            stateHome = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        }

        return System.IO.Path.Combine(stateHome, ApplicationDirectory, FileName);
    }

    /// <summary>The current boot's ID, or empty where the kernel does not tell.</summary>
    public static string CurrentBootId()
    {
        try
        {
            return File.ReadAllText(BootIdPath).Trim();
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>This Supervisor process.</summary>
    public static ProcessIdentity CurrentProcess() =>
        new(Environment.ProcessId, ProcStat.TryRead(Environment.ProcessId)?.StartTime ?? 0);

    /// <summary>The document, or null when there is no file. Throws <see cref="InvalidDataException"/> naming the file when it is not readable JSON.</summary>
    public UpstreamStateDocument? Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(text, UpstreamStateJsonContext.Default.UpstreamStateDocument)
                ?? throw new InvalidDataException($"{Path}: empty state document");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Path}: not a valid upstream state file ({e.Message})", e);
        }
    }

    public void Write(UpstreamStateDocument document)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = string.Create(CultureInfo.InvariantCulture, $"{Path}.{Environment.ProcessId}.tmp");
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(document, UpstreamStateJsonContext.Default.UpstreamStateDocument));
        File.Move(temporary, Path, overwrite: true);
    }

    public void Delete() => File.Delete(Path);
}
