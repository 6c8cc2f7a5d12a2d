using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Rpc.Interop;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>The real Supervisor process: startup errors, a foreign gRPC client, and what a SIGKILL leaves behind.</summary>
public sealed class SupervisorProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("llamaswap-supervisor-process-").FullName;

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private string StateFile => Path.Combine(_directory, "state", "upstreams.json");

    [Fact]
    public async Task AnInvalidConfigurationAtStartupExitsNonZeroWithEveryErrorOnStandardError()
    {
        File.WriteAllText(Path.Combine(_directory, "models.yaml"), """
            models:
              a:
                cmd: ""
                ttl: -5
              b:
                proxy: "not a url"
                cmd: sim
            """);
        await using var supervisor = SupervisorProcess.Launch(_directory, StateFile);

        var exitCode = await supervisor.WaitForExitAsync(Bound);

        var errors = supervisor.ErrorOutput.Lines;
        Assert.Equal(1, exitCode);
        Assert.True(errors.Count(l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("models.yaml:", StringComparison.Ordinal)) == 3, supervisor.ToString());
        Assert.Contains(errors, l => l.Contains("models.a.ttl", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("models.a.proxy", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("models.b.proxy", StringComparison.Ordinal));
        Assert.Contains("the Supervisor did not start", errors[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(errors.Concat(supervisor.Output.Lines), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.Contains(supervisor.Output.Lines, l => l.Contains("configuration error: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Python3GrpcioCallsGetStateOnTheRealSupervisor()
    {
        File.WriteAllText(Path.Combine(_directory, "models.yaml"), new TestConfig().Model("b").Model("a").Build());
        await using var supervisor = SupervisorProcess.Launch(_directory, StateFile, hostId: "py-host");
        var (_, grpc) = await supervisor.WaitUntilServingAsync(Bound);

        await using var python = PythonProcess.Start(
            PythonGrpcScripts.Client,
            ["--target", $"{grpc.Host}:{grpc.Port}", "--method", SupervisorMethods.GetState.Path, "--kind", "unary", "--request", "", "--timeout", "20"]);
        var lines = await python.ReadToEndAsync(Bound);

        var outcome = lines.Last(l => l.TryGetProperty("code", out _));
        Assert.True(outcome.GetProperty("code").GetString() == "OK", $"{outcome}\n{python.Stderr}");
        var snapshot = StateSnapshot.Parser.ParseFrom(Convert.FromHexString(lines.Single(l => l.TryGetProperty("message", out _)).GetProperty("message").GetString()!));
        Assert.Equal("py-host", snapshot.Host.HostId);
        Assert.Equal(["a", "b"], snapshot.Models.Select(m => m.ModelId));
        Assert.All(snapshot.Models, m => Assert.Equal(ModelState.Stopped, m.State));
        Assert.Equal(1ul, snapshot.ConfigGeneration);
    }

    [Fact]
    public async Task AfterASigkillNoUpstreamSurvivesAndTheNextStartReapsLeftoversWhoseWatchdogDied()
    {
        var config = new TestConfig().Model("a").Model("b").With("""
            groups:
              both:
                swap: false
                members: [a, b]
            """);
        File.WriteAllText(Path.Combine(_directory, "models.yaml"), config.Build());

        // First crash: the watchdogs end the upstreams within seconds.
        int[] firstPids;
        await using (var supervisor = SupervisorProcess.Launch(_directory, StateFile))
        {
            var (_, grpc) = await supervisor.WaitUntilServingAsync(Bound);
            firstPids = await LoadBothAsync(grpc);
            Assert.All(firstPids, pid => Assert.True(ProcessTable.IsAlive(pid)));
            supervisor.Kill();
            await supervisor.WaitForExitAsync(Bound);
        }

        foreach (var pid in firstPids)
            await ProcessTable.WaitForExitAsync(pid, TimeSpan.FromSeconds(10), TestToken);

        // Second crash, the watchdogs killed too: the upstreams outlive it, until the next Supervisor starts.
        int[] leftovers;
        await using (var supervisor = SupervisorProcess.Launch(_directory, StateFile))
        {
            var (_, grpc) = await supervisor.WaitUntilServingAsync(Bound);
            leftovers = await LoadBothAsync(grpc);
            var watchdogs = supervisor.Children("sh");
            Assert.Equal(2, watchdogs.Count);
            foreach (var watchdog in watchdogs)
                ProcessSignals.Send(watchdog, ProcessSignals.SigKill);
            foreach (var watchdog in watchdogs)
                await ProcessTable.WaitForExitAsync(watchdog, Bound, TestToken);
            supervisor.Kill();
            await supervisor.WaitForExitAsync(Bound);
        }

        Assert.All(leftovers, pid => Assert.True(ProcessTable.IsAlive(pid), $"pid {pid} should have outlived its Supervisor"));
        try
        {
            await using var next = SupervisorProcess.Launch(_directory, StateFile);
            await next.WaitUntilServingAsync(Bound);

            // Serving means the reaper has finished: the leftovers are gone already.
            Assert.All(leftovers, pid => Assert.False(ProcessTable.IsAlive(pid), $"leftover pid {pid} still runs after the next start"));
            Assert.Contains(next.Output.Lines, l => l.Contains("leftover", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            foreach (var pid in leftovers)
                ProcessSignals.Send(pid, ProcessSignals.SigKill);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<int[]> LoadBothAsync(Uri grpc)
    {
        using var channel = GrpcChannel.ForAddress(grpc);
        var client = new SupervisorClient(channel);
        var pids = new List<int>();
        foreach (var model in new[] { "a", "b" })
        {
            var reply = await client.LoadAsync(new LoadRequest { ModelId = model }, new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
            pids.Add(reply.Model.Pid);
        }

        return [.. pids];
    }
}
