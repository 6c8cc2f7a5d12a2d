using LlamaSwap.Configuration;
using LlamaSwap.Configuration.Watching;
using LlamaSwap.Supervisor.Hosting;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class SupervisorConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("llamaswap-supervisor-config-").FullName;

    private static ConfigWatcherOptions Fast => new() { PollInterval = TimeSpan.FromMilliseconds(20), Debounce = TimeSpan.Zero };

    [Fact]
    public void AMissingFileIsAStartupErrorNamingIt()
    {
        var file = Path.Combine(_directory, "absent.yaml");

        using var configuration = SupervisorConfiguration.Open(key => key == ConfigSourceSettings.FileKey ? file : null, Fast, TimeProvider.System);

        Assert.False(configuration.Startup.Succeeded);
        Assert.Contains(configuration.Startup.Errors, e => e.ToString().Contains("absent.yaml", StringComparison.Ordinal));
        Assert.Equal(0ul, configuration.Generation);
        Assert.Empty(configuration.Current.Models);
    }

    [Fact]
    public void WithoutSettingsItReadsModelsYamlInTheWorkingDirectory()
    {
        using var configuration = SupervisorConfiguration.Open(_ => null, Fast, TimeProvider.System);

        Assert.Equal(new ConfigSource("models.yaml"), configuration.Source);
    }

    [Fact]
    public async Task ReloadsFollowTheStartupLoadAndApplyingOneWakesWaitersWithTheNextGeneration()
    {
        var file = Path.Combine(_directory, "models.yaml");
        File.WriteAllText(file, Models("a"));
        using var configuration = SupervisorConfiguration.Open(key => key == ConfigSourceSettings.FileKey ? file : null, Fast, TimeProvider.System);
        Assert.True(configuration.Startup.Succeeded);
        Assert.Equal(1ul, configuration.Generation);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        await using var reloads = configuration.ReadReloadsAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = reloads.MoveNextAsync().AsTask();
        File.WriteAllText(file, Models("a", "b"));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        var waiter = configuration.WaitForChangeAsync(1, TestContext.Current.CancellationToken);
        Assert.False(waiter.IsCompleted);

        var generation = configuration.Apply(reloads.Current.Config!);

        await waiter.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(2ul, generation);
        Assert.Equal(["a", "b"], configuration.Current.Models.Keys);
        Assert.True(configuration.WaitForChangeAsync(1, TestContext.Current.CancellationToken).IsCompleted);
        var last = reloads.MoveNextAsync().AsTask();
        await stop.CancelAsync();
        Assert.False(await last.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Models(params string[] ids) =>
        "models:\n" + string.Concat(ids.Select((id, i) => $"  {id}:\n    cmd: server\n    proxy: http://127.0.0.1:{5900 + i}\n"));
}
