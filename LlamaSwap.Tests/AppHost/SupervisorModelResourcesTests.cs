using LlamaSwap.AppHost.Hosting;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Supervision;
using LlamaSwap.Configuration;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

/// <summary>
/// The real Supervisor process as a resource, its upstream models as child resources: state, PID and
/// port from WatchState, console lines from StreamLogs, and start/stop/restart through Load/Unload.
/// </summary>
public sealed class SupervisorModelResourcesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("llamaswap-supervisor-resource-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ModelsStartStopAndRestartAsChildResourcesWithTheirConsoleOutput()
    {
        var configFile = Path.Combine(_directory, "models.yaml");
        await File.WriteAllTextAsync(configFile, AppHostProcess.SimulatorConfig("alpha", "beta") + "  remote:\n    endpoint: http://127.0.0.1:9\n",
            TestContext.Current.CancellationToken);
        var config = ConfigLoader.Load(new ConfigSource(configFile)).Config!;
        var builder = new DistributedApplicationBuilder(_ => null);
        builder.AddProject("supervisor", "LlamaSwap.Supervisor")
            .WithHttpEndpoint("http")
            .WithHttp2Endpoint("grpc")
            .WithEnvironment(ConfigSourceSettings.EnvironmentVariable(ConfigSourceSettings.FileKey), configFile)
            .WithEnvironment("LlamaSwap__StateFile", Path.Combine(_directory, "upstreams.state"))
            .WithHttpHealthCheck("/health", "http")
            .WithChildResources(new SupervisorModelResources(config, "grpc", TimeProvider.System));
        await using var app = builder.Build();
        await app.StartAsync(TestContext.Current.CancellationToken).DefaultTimeout(TimeSpan.FromSeconds(60));

        var start = await app.ExecuteCommandAsync("alpha", KnownResourceCommands.Start, TestContext.Current.CancellationToken).DefaultTimeout(TimeSpan.FromSeconds(60));
        Assert.True(start.Succeeded, start.Message);
        var alpha = await app.Notifications.WaitForResourceAsync("alpha", s => s.State == KnownResourceStates.Running, TestContext.Current.CancellationToken).DefaultTimeout();
        var firstPid = alpha.Pid!.Value;
        Assert.True(ProcessTable.IsAlive(firstPid));
        Assert.Equal(("supervisor", KnownResourceTypes.Upstream, true), (alpha.Parent, alpha.ResourceType, alpha.Healthy));
        Assert.Equal(config.Models["alpha"].Port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), alpha.Properties["port"]);
        Assert.EndsWith($":{alpha.Properties["port"]}", Assert.Single(alpha.Urls).TrimEnd('/'));
        Assert.NotNull(alpha.StartedAt);
        await WaitForConsoleLineAsync(app, "alpha", $"simulator alpha pid {firstPid} listening on").DefaultTimeout();

        var restart = await app.ExecuteCommandAsync("alpha", KnownResourceCommands.Restart, TestContext.Current.CancellationToken).DefaultTimeout(TimeSpan.FromSeconds(60));
        Assert.True(restart.Succeeded, restart.Message);
        var restarted = await app.Notifications.WaitForResourceAsync("alpha", s => s.State == KnownResourceStates.Running && s.Pid != firstPid, TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.False(ProcessTable.IsAlive(firstPid));
        Assert.True(restarted.Restarts >= 1);

        var stop = await app.ExecuteCommandAsync("alpha", KnownResourceCommands.Stop, TestContext.Current.CancellationToken).DefaultTimeout(TimeSpan.FromSeconds(60));
        Assert.True(stop.Succeeded, stop.Message);
        var stopped = await app.Notifications.WaitForResourceAsync("alpha", s => s.State == KnownResourceStates.Exited, TestContext.Current.CancellationToken).DefaultTimeout();
        Assert.Null(stopped.Pid);
        await ProcessTable.WaitForExitAsync(restarted.Pid!.Value, TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        Assert.Equal(KnownResourceStates.NotStarted, app.Notifications.TryGet("beta")!.State);
        Assert.Null(app.Notifications.TryGet("remote"));

        // Stopping the stack stops the upstreams with the Supervisor.
        Assert.True((await app.ExecuteCommandAsync("beta", KnownResourceCommands.Start, TestContext.Current.CancellationToken).DefaultTimeout(TimeSpan.FromSeconds(60))).Succeeded);
        var beta = await app.Notifications.WaitForResourceAsync("beta", s => s.State == KnownResourceStates.Running, TestContext.Current.CancellationToken).DefaultTimeout();
        await app.StopAsync().DefaultTimeout(TimeSpan.FromSeconds(40));
        Assert.False(ProcessTable.IsAlive(beta.Pid!.Value));
    }

    private static async Task WaitForConsoleLineAsync(DistributedApplication app, string resource, string text)
    {
        await foreach (var line in app.Logs.FollowAsync(resource, TestContext.Current.CancellationToken).WithCancellation(TestContext.Current.CancellationToken).ConfigureAwait(false))
        {
            if (line.Text.Contains(text, StringComparison.Ordinal))
                return;
        }
    }
}
