using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Processes.Native;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class SystemProcessLauncherTests
{
    private static readonly TimeSpan Bound = ProcessTestHarness.Bound;

    [Fact]
    public async Task TheLaunchedProcessIsTheCommandItselfAndLeadsANewGroupAndSession()
    {
        var ct = TestContext.Current.CancellationToken;
        using var process = new SystemProcessLauncher().Launch(new ProcessLaunchSpec(
            "/bin/sh", ["-c", """echo "$$ $1|$2"; exec sleep 300""", "sh", "a b", "$HOME"], []));
        try
        {
            using var output = new StreamReader(process.StandardOutput);
            var line = await output.ReadLineAsync(ct).AsTask().WaitAsync(Bound, ct);

            Assert.Equal($"{process.Pid} a b|$HOME", line);
            var stat = ProcStat.TryRead(process.Pid)!.Value;
            Assert.Equal(process.Pid, stat.ProcessGroupId);
            Assert.Equal(process.Pid, stat.SessionId);
            Assert.Equal(Environment.ProcessId, stat.ParentPid);
        }
        finally
        {
            process.Signal(TreeSignal.Kill);
            await process.Exited.WaitAsync(Bound, ct);
        }
    }

    [Fact]
    public async Task TheSupervisorsServiceSettingsDoNotReachTheUpstreamUnlessTheModelSetsThem()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = Guid.NewGuid().ToString("N");
        var (telemetry, discovery, kept) = ($"OTEL_LLAMASWAP_TEST_{id}", $"services__envtest{id}__http__0", $"LLAMASWAP_TEST_KEPT_{id}");
        var (ownTelemetry, ownKestrel) = ($"OTEL_LLAMASWAP_MODEL_{id}", $"Kestrel__LlamaSwapTest{id}__Url");
        Environment.SetEnvironmentVariable(telemetry, "supervisor");
        Environment.SetEnvironmentVariable(discovery, "http://127.0.0.1:1");
        Environment.SetEnvironmentVariable(kept, "inherited");
        try
        {
            using var process = new SystemProcessLauncher().Launch(new ProcessLaunchSpec(
                "/usr/bin/env", [], [new(ownTelemetry, "model"), new(ownKestrel, "http://127.0.0.1:2")]));
            using var reader = new StreamReader(process.StandardOutput);
            var output = await reader.ReadToEndAsync(ct).WaitAsync(Bound, ct);
            await process.Exited.WaitAsync(Bound, ct);
            var variables = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.DoesNotContain(variables, v => v.StartsWith(telemetry + "=", StringComparison.Ordinal));
            Assert.DoesNotContain(variables, v => v.StartsWith(discovery + "=", StringComparison.Ordinal));
            Assert.Contains($"{kept}=inherited", variables);
            Assert.Contains($"{ownTelemetry}=model", variables);
            Assert.Contains($"{ownKestrel}=http://127.0.0.1:2", variables);
        }
        finally
        {
            Environment.SetEnvironmentVariable(telemetry, null);
            Environment.SetEnvironmentVariable(discovery, null);
            Environment.SetEnvironmentVariable(kept, null);
        }
    }

    [Fact]
    public async Task ATreeSignalReachesGrandchildrenAndTheTreeIsThenGone()
    {
        var ct = TestContext.Current.CancellationToken;
        using var process = new SystemProcessLauncher().Launch(new ProcessLaunchSpec(
            "/bin/sh", ["-c", """sleep 300 & echo "$!"; wait"""], []));
        using var output = new StreamReader(process.StandardOutput);
        var grandchild = int.Parse((await output.ReadLineAsync(ct).AsTask().WaitAsync(Bound, ct))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(process.IsTreeAlive());

        process.Signal(TreeSignal.Terminate);

        Assert.Equal(128 + 15, await process.Exited.WaitAsync(Bound, ct));
        await ProcessTestHarness.WaitUntil(() => !process.IsTreeAlive(), "the grandchild is gone");
        Assert.False(ProcessTestHarness.IsAlive(grandchild));
    }

    [Fact]
    public async Task StandardInputIsEmptyUnlessKeptOpen()
    {
        var ct = TestContext.Current.CancellationToken;
        using var process = new SystemProcessLauncher().Launch(new ProcessLaunchSpec("/bin/sh", ["-c", "cat; echo eof"], []));
        using var output = new StreamReader(process.StandardOutput);

        Assert.Equal("eof", await output.ReadLineAsync(ct).AsTask().WaitAsync(Bound, ct));
        Assert.Equal(0, await process.Exited.WaitAsync(Bound, ct));
        Assert.Null(process.StandardInput);
    }

    [Fact]
    public async Task AWatchdogPipeIsNotInheritedByUpstreamsStartedLater()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = new ProcessTestHarness();
        var first = (UpstreamProcess)harness.Create(ProcessTestHarness.Model("first", FreePort.Get(), "/bin/sleep 300") with { CheckEndpoint = "none" });
        var second = harness.Create(ProcessTestHarness.Model("second", FreePort.Get(), "/bin/sleep 300") with { CheckEndpoint = "none" });
        await first.StartAsync(null, ct).WaitAsync(Bound, ct);
        await second.StartAsync(null, ct).WaitAsync(Bound, ct);
        var watchdog = Assert.NotNull(first.WatchdogPid);
        var watchdogPipe = new FileInfo($"/proc/{watchdog}/fd/0").LinkTarget;

        Assert.StartsWith("pipe:", watchdogPipe, StringComparison.Ordinal);
        Assert.DoesNotContain(watchdogPipe, Directory.GetFileSystemEntries($"/proc/{second.Pid}/fd").Select(fd => new FileInfo(fd).LinkTarget));
    }
}
