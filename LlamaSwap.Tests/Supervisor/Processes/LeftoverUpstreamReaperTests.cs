using System.Text.Json;
using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Processes.Leftovers;
using LlamaSwap.Supervisor.Processes.Native;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class LeftoverUpstreamReaperTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = ProcessTestHarness.Bound;
    private readonly List<ILaunchedProcess> _launched = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("llamaswap-reaper-test-").FullName;

    private UpstreamStateFile StateFile => new(Path.Combine(_directory, "upstreams.json"));

    /// <summary>A Supervisor that is not running: this PID never had this start time.</summary>
    private static ProcessIdentity DeadSupervisor => UpstreamStateFile.CurrentProcess() with { StartTime = 1 };

    [Fact]
    public async Task EndsTheRecordedProcessGroupOfASupervisorThatDied()
    {
        var ct = TestContext.Current.CancellationToken;
        var group = Launch("""sleep 300 & echo "child=$!"; exec sleep 300""");
        var child = await ReadNumberAfter(group, "child=");
        Write(DeadSupervisor, Record("left-behind", group));

        var outcome = Assert.Single(await Reaper().ReapAsync(ct).WaitAsync(Bound, ct));

        Assert.Equal(LeftoverAction.Terminated, outcome.Action);
        Assert.False(ProcessGroup.HasLiveMembers(group.ProcessGroupId));
        Assert.False(ProcessTestHarness.IsAlive(child));
        Assert.False(File.Exists(StateFile.Path));
    }

    [Fact]
    public async Task NeverSignalsAProcessWhosePidMatchesButWhoseStartTimeDiffers()
    {
        var ct = TestContext.Current.CancellationToken;
        var stranger = Launch("exec sleep 300");
        Write(DeadSupervisor, Record("reused-pid", stranger) with { StartTime = StartTime(stranger) + 1 });

        var outcome = Assert.Single(await Reaper().ReapAsync(ct).WaitAsync(Bound, ct));

        Assert.Equal(LeftoverAction.PidReused, outcome.Action);
        Assert.True(ProcessTestHarness.IsAlive(stranger.Pid));
    }

    [Fact]
    public async Task EndsWhatIsLeftOfAGroupWhoseLeaderAlreadyExited()
    {
        var ct = TestContext.Current.CancellationToken;
        var group = Launch("""sleep 300 & echo "child=$!"; read _; exit 0""", keepStandardInputOpen: true);
        var child = await ReadNumberAfter(group, "child=");
        var record = Record("orphans", group);
        group.StandardInput!.Close();
        await group.Exited.WaitAsync(Bound, ct);
        Assert.True(ProcessTestHarness.IsAlive(child));
        Write(DeadSupervisor, record);

        var outcome = Assert.Single(await Reaper().ReapAsync(ct).WaitAsync(Bound, ct));

        Assert.Equal(LeftoverAction.Terminated, outcome.Action);
        Assert.False(ProcessTestHarness.IsAlive(child));
    }

    [Fact]
    public async Task KillsAGroupThatIgnoresSigterm()
    {
        var ct = TestContext.Current.CancellationToken;
        var group = Launch("""trap "" TERM; sleep 300 & echo "child=$!"; wait""");
        var child = await ReadNumberAfter(group, "child=");
        Write(DeadSupervisor, Record("stubborn", group));
        var reaper = new LeftoverUpstreamReaper(StateFile, TimeProvider.System, NullLogger<LeftoverUpstreamReaper>.Instance,
            new LeftoverReaperOptions { GracePeriod = TimeSpan.FromMilliseconds(200) });

        var outcome = Assert.Single(await reaper.ReapAsync(ct).WaitAsync(Bound, ct));

        Assert.Equal(LeftoverAction.Killed, outcome.Action);
        Assert.False(ProcessGroup.HasLiveMembers(group.ProcessGroupId));
        Assert.False(ProcessTestHarness.IsAlive(child));
    }

    [Fact]
    public async Task LeavesTheUpstreamsOfARunningSupervisorAlone()
    {
        var ct = TestContext.Current.CancellationToken;
        var group = Launch("exec sleep 300");
        Write(UpstreamStateFile.CurrentProcess(), Record("still-owned", group));

        var outcome = Assert.Single(await Reaper().ReapAsync(ct).WaitAsync(Bound, ct));

        Assert.Equal(LeftoverAction.OwnerStillRunning, outcome.Action);
        Assert.True(ProcessTestHarness.IsAlive(group.Pid));
        Assert.True(File.Exists(StateFile.Path));
    }

    [Fact]
    public async Task IgnoresRecordsOfAnEarlierBoot()
    {
        var ct = TestContext.Current.CancellationToken;
        var group = Launch("exec sleep 300");
        StateFile.Write(new UpstreamStateDocument(1, "another-boot", DeadSupervisor, [Record("old-boot", group)]));

        var outcome = Assert.Single(await Reaper().ReapAsync(ct).WaitAsync(Bound, ct));

        Assert.Equal(LeftoverAction.FromEarlierBoot, outcome.Action);
        Assert.True(ProcessTestHarness.IsAlive(group.Pid));
    }

    [Fact]
    public async Task NoStateFileMeansNothingToDoAndACorruptOneIsIgnored()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Empty(await Reaper().ReapAsync(ct));

        await File.WriteAllTextAsync(StateFile.Path, "{ not json", ct);

        Assert.Empty(await Reaper().ReapAsync(ct));
    }

    [Fact]
    public async Task TheRegistryRecordsRunningUpstreamsInTheDocumentedFormat()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new RunningUpstreamRegistry(StateFile, NullLogger<RunningUpstreamRegistry>.Instance);
        var record = new UpstreamRecord("m1", 4242, 4242, 987654, 5800, ["/usr/bin/llama-server", "--port", "5800"], DateTimeOffset.UnixEpoch);

        registry.Add(record);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(StateFile.Path, ct));
        registry.Remove(4242);

        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(UpstreamStateFile.CurrentBootId(), root.GetProperty("bootId").GetString());
        Assert.Equal(Environment.ProcessId, root.GetProperty("supervisor").GetProperty("pid").GetInt32());
        var upstream = Assert.Single(root.GetProperty("upstreams").EnumerateArray());
        Assert.Equal("m1", upstream.GetProperty("modelId").GetString());
        Assert.Equal(4242, upstream.GetProperty("pid").GetInt32());
        Assert.Equal(4242, upstream.GetProperty("pgid").GetInt32());
        Assert.Equal(987654UL, upstream.GetProperty("startTime").GetUInt64());
        Assert.Equal(5800, upstream.GetProperty("port").GetInt32());
        Assert.Equal("--port", upstream.GetProperty("command")[1].GetString());
        Assert.Empty(StateFile.Read()!.Upstreams);
        Assert.Equal(["upstreams.json"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _launched)
        {
            process.Signal(TreeSignal.Kill);
            await process.Exited.WaitAsync(Bound);
            process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private ILaunchedProcess Launch(string script, bool keepStandardInputOpen = false)
    {
        var process = new SystemProcessLauncher().Launch(new ProcessLaunchSpec("/bin/sh", ["-c", script], [], keepStandardInputOpen));
        _launched.Add(process);
        return process;
    }

    private static async Task<int> ReadNumberAfter(ILaunchedProcess process, string prefix)
    {
        using var reader = new StreamReader(process.StandardOutput);
        var line = await reader.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.NotNull(line);
        Assert.StartsWith(prefix, line, StringComparison.Ordinal);
        return int.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ulong StartTime(ILaunchedProcess process) => ProcStat.TryRead(process.Pid)!.Value.StartTime;

    private static UpstreamRecord Record(string model, ILaunchedProcess process) =>
        new(model, process.Pid, process.ProcessGroupId, StartTime(process), null, ["/bin/sh"], DateTimeOffset.UtcNow);

    private void Write(ProcessIdentity supervisor, UpstreamRecord record) =>
        StateFile.Write(new UpstreamStateDocument(1, UpstreamStateFile.CurrentBootId(), supervisor, [record]));

    private LeftoverUpstreamReaper Reaper() =>
        new(StateFile, TimeProvider.System, NullLogger<LeftoverUpstreamReaper>.Instance);
}
