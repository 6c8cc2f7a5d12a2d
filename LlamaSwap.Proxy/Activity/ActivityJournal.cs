using System.Text;
using System.Text.Json;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// The activity log on disk (<c>store.path</c>): one JSON row per line, appended as rows are stored, read back
/// when the Proxy starts so the history survives restarts. Used by one thread at a time (the activity processor).
/// </summary>
/// <remarks>
/// Each row is flushed to the operating system as it is written, so a crashed Proxy loses nothing; a torn last
/// line (power loss mid-write) is skipped with a warning when the file is read. The file keeps the newest
/// <see cref="RetainedRows"/>: when it holds more than twice that, it is rewritten on open.
/// </remarks>
internal sealed class ActivityJournal : IDisposable
{
    public const int DefaultRetainedRows = 50_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    private readonly FileStream _file;

    private ActivityJournal(string path, int retainedRows, FileStream file, IReadOnlyList<ActivityRecord> rows)
    {
        Path = path;
        RetainedRows = retainedRows;
        _file = file;
        Rows = rows;
    }

    public string Path { get; }

    public int RetainedRows { get; }

    /// <summary>The rows the file held when it was opened, oldest first.</summary>
    public IReadOnlyList<ActivityRecord> Rows { get; }

    /// <summary>Opens (or creates) the journal and reads its rows.</summary>
    /// <param name="warn">Told about every line that is not a row and why the file could not be used.</param>
    /// <returns>null when the file cannot be used; activity then stays in memory.</returns>
    public static ActivityJournal? Open(string path, int retainedRows, Action<string> warn)
    {
        try
        {
            if (IsSqliteDatabase(path))
            {
                warn($"store.path {path} is a SQLite database (llama-swap's activity store); LlamaSwap writes activity as JSON lines " +
                    "and leaves that file untouched: point store.path at a new file. Activity is kept in memory until then.");
                return null;
            }

            var (rows, lines) = Read(path, retainedRows, warn);
            if (lines > 2 * retainedRows)
                Rewrite(path, rows);
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            EndWithNewline(file);
            return new ActivityJournal(path, retainedRows, file, rows);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            warn($"store.path {path} cannot be used: {e.Message}. Activity is kept in memory.");
            return null;
        }
    }

    public void Append(ActivityRecord row)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(row, Json);
        _file.Write(line);
        _file.WriteByte((byte)'\n');
        _file.Flush();
    }

    public void Dispose() => _file.Dispose();

    private static bool IsSqliteDatabase(string path)
    {
        if (!File.Exists(path))
            return false;
        Span<byte> header = stackalloc byte[SqliteHeader.Length];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header.SequenceEqual(SqliteHeader);
    }

    private static (IReadOnlyList<ActivityRecord> Rows, int Lines) Read(string path, int retainedRows, Action<string> warn)
    {
        var rows = new Queue<ActivityRecord>();
        if (!File.Exists(path))
            return ([], 0);

        var number = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            number++;
            if (line.Length == 0)
                continue;
            if (Parse(line) is not { } row)
            {
                warn($"store.path {path}, line {number}: not an activity row; skipped");
                continue;
            }

            rows.Enqueue(row);
            if (rows.Count > retainedRows)
                rows.Dequeue();
        }

        return ([.. rows], number);
    }

    private static ActivityRecord? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<ActivityRecord>(line, Json) is { Id: > 0, Model: not null, Path: not null, Tokens: not null } row ? row : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces the file with <paramref name="rows"/> (written beside it, then renamed over it).</summary>
    private static void Rewrite(string path, IReadOnlyList<ActivityRecord> rows)
    {
        var temporary = path + ".compacting";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var row in rows)
            {
                file.Write(JsonSerializer.SerializeToUtf8Bytes(row, Json));
                file.WriteByte((byte)'\n');
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Positions at the end, after a newline: a torn last line must not swallow the next row.</summary>
    private static void EndWithNewline(FileStream file)
    {
        if (file.Length > 0)
        {
            file.Seek(-1, SeekOrigin.End);
            if (file.ReadByte() != '\n')
                file.WriteByte((byte)'\n');
        }

        file.Seek(0, SeekOrigin.End);
    }
}
