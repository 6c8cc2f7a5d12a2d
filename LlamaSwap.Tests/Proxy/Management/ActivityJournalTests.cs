using System.Text;
using LlamaSwap.Proxy.Activity;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class ActivityJournalTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 1, 10, 0, 0, 123, TimeSpan.Zero);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("llamaswap-journal-");
    private readonly List<string> _warnings = [];

    private string File(string name = "activity.jsonl") => Path.Combine(_directory.FullName, name);

    private static ActivityRecord Row(long id, string model = "qwen") => new(
        id, T0.AddSeconds(id), model, "/v1/chat/completions", "text/event-stream", 200,
        new ActivityTokens(CacheTokens: 3, InputTokens: 10 * id, OutputTokens: 20, PromptPerSecond: 150.5, TokensPerSecond: 42.25),
        1200, 35, id % 2 == 0 ? "upstream said no" : null, new Dictionary<string, string> { ["selector"] = "warm" });

    private ActivityJournal Open(string path, int retainedRows = 100) =>
        Assert.IsType<ActivityJournal>(ActivityJournal.Open(path, retainedRows, _warnings.Add));

    [Fact]
    public void RowsAppendedAreReadBackWhenTheFileIsOpenedAgain()
    {
        using (var journal = Open(File()))
        {
            Assert.Empty(journal.Rows);
            journal.Append(Row(1));
            journal.Append(Row(2, "llama"));
        }

        using var reopened = Open(File());

        Assert.Equal(2, reopened.Rows.Count);
        var (first, second) = (reopened.Rows[0], reopened.Rows[1]);
        Assert.Equal(Row(1) with { Metadata = null }, first with { Metadata = null });
        Assert.Equal("warm", first.Metadata!["selector"]);
        Assert.Equal((2L, "llama", "upstream said no", T0.AddSeconds(2)), (second.Id, second.Model, second.ErrorMessage, second.Timestamp));
        Assert.Empty(_warnings);
    }

    [Fact]
    public void ATornLastLineIsSkippedWithItsLineNumberAndTheNextRowStartsOnItsOwnLine()
    {
        using (var journal = Open(File()))
            journal.Append(Row(1));
        System.IO.File.AppendAllText(File(), "not json\n{\"id\":2,\"timest");

        using (var journal = Open(File()))
        {
            Assert.Equal([1L], journal.Rows.Select(r => r.Id));
            journal.Append(Row(3));
        }

        using var reopened = Open(File());
        Assert.Equal([1L, 3], reopened.Rows.Select(r => r.Id));
        Assert.Contains(_warnings, w => w.Contains($"store.path {File()}, line 2: not an activity row", StringComparison.Ordinal));
        Assert.Contains(_warnings, w => w.Contains("line 3: not an activity row", StringComparison.Ordinal));
    }

    [Fact]
    public void ALlamaSwapSqliteDatabaseIsNamedAndLeftUntouched()
    {
        var bytes = Encoding.ASCII.GetBytes("SQLite format 3\0").Concat(new byte[4080]).ToArray();
        System.IO.File.WriteAllBytes(File("llama-swap.db"), bytes);

        var journal = ActivityJournal.Open(File("llama-swap.db"), 100, _warnings.Add);

        Assert.Null(journal);
        Assert.Equal(bytes, System.IO.File.ReadAllBytes(File("llama-swap.db")));
        Assert.StartsWith($"store.path {File("llama-swap.db")} is a SQLite database", Assert.Single(_warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void APathThatCannotBeOpenedKeepsActivityInMemoryAndSaysWhy()
    {
        var journal = ActivityJournal.Open(_directory.FullName, 100, _warnings.Add);

        Assert.Null(journal);
        Assert.StartsWith($"store.path {_directory.FullName} cannot be used:", Assert.Single(_warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void AFileHoldingMoreThanTwiceTheRetainedRowsIsCutToTheNewestOnOpen()
    {
        using (var journal = Open(File(), retainedRows: 1000))
        {
            for (var id = 1; id <= 25; id++)
                journal.Append(Row(id));
        }

        using (var journal = Open(File(), retainedRows: 10))
            Assert.Equal(Enumerable.Range(16, 10).Select(i => (long)i), journal.Rows.Select(r => r.Id));

        Assert.Equal(10, System.IO.File.ReadAllLines(File()).Length);
        Assert.False(System.IO.File.Exists(File() + ".compacting"));
    }

    [Fact]
    public async Task AReloadNamingAnotherFileShowsThatFilesRowsAndNoFileShowsNone()
    {
        using (var journal = Open(File("b.jsonl")))
            journal.Append(Row(7, "from-b"));
        string Yaml(string? store) => (store is null ? "" : $"store:\n  path: {File(store)}\n") + "models:\n  qwen:\n    proxy: http://127.0.0.1:1\n";
        await using var host = await ManagementHost.StartAsync(Yaml("a.jsonl"));

        host.Config.Reload(TestConfigProvider.Load(Yaml("b.jsonl")));
        var fromB = await IdsAsync(host, ids => ids.Length > 0);
        host.Config.Reload(TestConfigProvider.Load(Yaml(null)));
        var none = await IdsAsync(host, ids => ids.Length == 0);

        Assert.Equal([7L], fromB);
        Assert.Empty(none);
        Assert.True(System.IO.File.Exists(File("a.jsonl")));
    }

    private static async Task<long[]> IdsAsync(ManagementHost host, Func<long[], bool> until)
    {
        var page = await Eventually.ReadAsync(
            _ => host.Client.GetJsonAsync("/api/metrics/activity"),
            page => until([.. page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetInt64())]),
            "the activity page to change");
        return [.. page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetInt64())];
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
