using System.Diagnostics;
using System.Text;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Simulator;

/// <summary>SIGTERM behaviours and the forked grandchild, against real processes.</summary>
public sealed class SimulatorSignalTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SigtermStopsPromptlyAndQuietKeepsOnlyImportantLines()
    {
        await using var simulator = await SimulatorProcess.StartAsync(["--quiet"], cancellationToken: Cancellation);
        using (var client = simulator.CreateClient())
        {
            using var response = await client.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"m","messages":[]}""", Encoding.UTF8, "application/json"), Cancellation).DefaultTimeout();
            response.EnsureSuccessStatusCode();
        }

        Assert.True(simulator.Signal(ProcessSignals.SigTerm));
        var exitCode = await simulator.WaitForExitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(0, exitCode);
        var lines = simulator.Output.Lines;
        Assert.Contains(lines, line => line.Contains("listening on", StringComparison.Ordinal));
        Assert.Contains("SIGTERM received, shutting down", lines);
        Assert.DoesNotContain(lines, line => line.StartsWith("POST ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SigtermCancelsAStreamInProgress()
    {
        await using var simulator = await SimulatorProcess.StartAsync(["--tokens-per-second", "20", "--max-tokens", "1000"], cancellationToken: Cancellation);
        using var client = simulator.CreateClient();
        using var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
            """{"model":"m","stream":true,"messages":[]}""", Cancellation).DefaultTimeout();
        await using var body = await response.Content.ReadAsStreamAsync(Cancellation);
        await using var events = ServerSentEvents.ReadAsync(body, Cancellation).GetAsyncEnumerator(Cancellation);
        Assert.True(await events.MoveNextAsync().DefaultTimeout());

        Assert.True(simulator.Signal(ProcessSignals.SigTerm));
        var exitCode = await simulator.WaitForExitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Equal(0, exitCode);
        Assert.Contains(simulator.Output.Lines, line => line.Contains("request cancelled (server stopping)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IgnoredSigtermLeavesTheServerRunningUntilSigkill()
    {
        await using var simulator = await SimulatorProcess.StartAsync(["--sigterm", "ignore"], cancellationToken: Cancellation);

        Assert.True(simulator.Signal(ProcessSignals.SigTerm));
        await simulator.Output.WaitForLineContainingAsync("SIGTERM received and ignored", cancellationToken: Cancellation);
        using (var client = simulator.CreateClient())
        {
            using var health = await client.GetAsync("/health", Cancellation).DefaultTimeout();
            health.EnsureSuccessStatusCode();
        }

        Assert.False(simulator.HasExited);
        Assert.True(simulator.Signal(ProcessSignals.SigKill));
        Assert.Equal(137, await simulator.WaitForExitAsync(cancellationToken: Cancellation));
    }

    [Fact]
    public async Task DelayedSigtermExitsAfterTheDelay()
    {
        await using var simulator = await SimulatorProcess.StartAsync(["--sigterm", "delay:400ms"], cancellationToken: Cancellation);
        var clock = Stopwatch.StartNew();

        Assert.True(simulator.Signal(ProcessSignals.SigTerm));
        var exitCode = await simulator.WaitForExitAsync(cancellationToken: Cancellation);

        Assert.Equal(0, exitCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), $"exited after only {clock.Elapsed}");
        Assert.Contains("SIGTERM received, shutting down in 400ms", simulator.Output.Lines);
    }

    [Fact]
    public async Task ForkChildIsALiveGrandchildInTheSameProcessGroup()
    {
        int grandchild;
        await using (var simulator = await SimulatorProcess.StartAsync(["--fork-child"], cancellationToken: Cancellation))
        {
            await simulator.Output.WaitForLineContainingAsync("fork-child pid", cancellationToken: Cancellation);
            grandchild = Assert.Single(simulator.AnnouncedChildren);

            var child = ProcessTable.Read(grandchild);
            var parent = ProcessTable.Read(simulator.Pid);
            Assert.NotNull(child);
            Assert.NotNull(parent);
            Assert.True(ProcessTable.IsAlive(grandchild));
            Assert.Equal(simulator.Pid, child.ParentPid);
            Assert.Equal(parent.ProcessGroup, child.ProcessGroup);
        }

        await ProcessTable.WaitForExitAsync(grandchild, cancellationToken: Cancellation);
    }
}
