using System.Globalization;
using LlamaSwap.AppHost.Hosting;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

/// <summary>
/// The orchestrator on a test-only graph: the simulator run as a project resource, as the AppHost runs
/// the Supervisor and the Proxy (real processes, real ports).
/// </summary>
public sealed class OrchestrationTests
{
    private static ResourceBuilder AddSimulator(DistributedApplicationBuilder builder, string name, params string[] extraArgs)
    {
        var simulator = builder.AddProject(name, "LlamaSwap.Simulator").WithHttpEndpoint("http");
        return simulator
            .WithArgs(args =>
            {
                foreach (var arg in new[] { "--port", simulator.Resource.GetEndpoint("http").Port!.Value.ToString(CultureInfo.InvariantCulture), "--model", name })
                    args.Add(arg);
                foreach (var arg in extraArgs)
                    args.Add(arg);
            })
            .WithHttpHealthCheck("/health", "http")
            .WithShutdownTimeout(TimeSpan.FromSeconds(5));
    }

    private static async Task<string> WaitForLineAsync(DistributedApplication app, string resource, string text)
    {
        await foreach (var line in app.Logs.FollowAsync(resource, TestContext.Current.CancellationToken).WithCancellation(TestContext.Current.CancellationToken))
        {
            if (line.Text.Contains(text, StringComparison.Ordinal))
                return line.Text;
        }
        throw new InvalidOperationException("the log ended");
    }

    [Fact]
    public async Task ASimulatorResourceRunsWithItsOutputCapturedAndObeysStopStartAndRestart()
    {
        var builder = new DistributedApplicationBuilder(_ => null);
        AddSimulator(builder, "sim");
        await using var app = builder.Build();

        await app.StartAsync(TestContext.Current.CancellationToken).DefaultTimeout();

        var running = app.Notifications.TryGet("sim")!;
        Assert.Equal((KnownResourceStates.Running, true, 0), (running.State, running.Healthy, running.Restarts));
        var firstPid = running.Pid!.Value;
        Assert.True(ProcessTable.IsAlive(firstPid));
        Assert.StartsWith("dotnet LlamaSwap.Simulator.dll --port ", running.Command);
        Assert.Contains($"pid {firstPid} listening on", await WaitForLineAsync(app, "sim", "listening on").DefaultTimeout());
        using (var http = new HttpClient { BaseAddress = app.GetEndpoint("sim", "http") })
            Assert.True((await http.GetAsync("/health", TestContext.Current.CancellationToken)).IsSuccessStatusCode);

        var stop = await app.ExecuteCommandAsync("sim", KnownResourceCommands.Stop, TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.True(stop.Succeeded, stop.Message);
        Assert.False(ProcessTable.IsAlive(firstPid));
        Assert.Equal((KnownResourceStates.Exited, false), (app.Notifications.TryGet("sim")!.State, app.Notifications.TryGet("sim")!.Healthy));
        Assert.False((await app.ExecuteCommandAsync("sim", KnownResourceCommands.Stop, TestContext.Current.CancellationToken)).Succeeded);

        Assert.True((await app.ExecuteCommandAsync("sim", KnownResourceCommands.Start, TestContext.Current.CancellationToken)).Succeeded);
        var restarted = await app.Notifications.WaitForResourceAsync("sim", s => s.State == KnownResourceStates.Running && s.Pid != firstPid, TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.False((await app.ExecuteCommandAsync("sim", KnownResourceCommands.Start, TestContext.Current.CancellationToken)).Succeeded);

        Assert.True((await app.ExecuteCommandAsync("sim", KnownResourceCommands.Restart, TestContext.Current.CancellationToken).DefaultTimeout()).Succeeded);
        var third = await app.Notifications.WaitForResourceAsync("sim", s => s.State == KnownResourceStates.Running && s.Pid != restarted.Pid, TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.False(ProcessTable.IsAlive(restarted.Pid!.Value));
        Assert.Equal(2, third.Restarts);
        Assert.False((await app.ExecuteCommandAsync("sim", "explode", TestContext.Current.CancellationToken)).Succeeded);

        await app.StopAsync().DefaultTimeout();
        Assert.False(ProcessTable.IsAlive(third.Pid!.Value));
        Assert.Equal(KnownResourceStates.Exited, app.Notifications.TryGet("sim")!.State);
    }

    [Fact]
    public async Task AResourceThatKeepsFailingIsRestartedWithGrowingBackoff()
    {
        var builder = new DistributedApplicationBuilder(_ => null);
        AddSimulator(builder, "broken", "--fail", "exit:3");
        await using var app = builder.Build();
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var start = app.StartAsync(starting.Token);

        await WaitForLineAsync(app, "broken", "exited with code 3; restarting in 2s").DefaultTimeout();
        var lines = app.Logs.GetHistory("broken").Select(l => l.Text).ToList();
        var first = lines.FindIndex(l => l.Contains("exited with code 3; restarting in 1s", StringComparison.Ordinal));
        var second = lines.FindIndex(l => l.Contains("exited with code 3; restarting in 2s", StringComparison.Ordinal));
        Assert.True(first >= 0 && first < second, string.Join('\n', lines));
        Assert.Contains(lines, l => l.Contains("simulated startup failure (--fail exit:3)", StringComparison.Ordinal));
        Assert.True(app.Notifications.TryGet("broken")!.Restarts >= 1);
        Assert.Equal(3, app.Notifications.TryGet("broken")!.ExitCode);

        await starting.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        await app.StopAsync().DefaultTimeout();
        Assert.Equal(KnownResourceStates.Exited, app.Notifications.TryGet("broken")!.State);
    }

    [Fact]
    public async Task AResourceWaitsForItsDependencyToBeHealthy()
    {
        var builder = new DistributedApplicationBuilder(_ => null);
        var first = AddSimulator(builder, "first", "--load-time", "1s");
        AddSimulator(builder, "second").WaitFor(first);
        await using var app = builder.Build();

        var start = app.StartAsync(TestContext.Current.CancellationToken);
        var waiting = await app.Notifications.WaitForResourceAsync("second", s => s.State == KnownResourceStates.Waiting, TestContext.Current.CancellationToken).DefaultTimeout();
        var secondStarted = await app.Notifications.WaitForResourceAsync("second", s => s.State == KnownResourceStates.Starting, TestContext.Current.CancellationToken).DefaultTimeout();
        await start.DefaultTimeout();

        Assert.Null(waiting.Pid);
        var firstState = app.Notifications.TryGet("first")!;
        Assert.True(firstState.StartedAt < secondStarted.StartedAt);
        Assert.Equal(KnownResourceStates.Running, firstState.State);
    }
}
