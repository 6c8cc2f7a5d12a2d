using LlamaSwap.Configuration;
using LlamaSwap.Configuration.Watching;
using LlamaSwap.Supervisor.Grpc;
using LlamaSwap.Supervisor.Hosting;
using LlamaSwap.Supervisor.Logs;
using LlamaSwap.Supervisor.Scheduling;
using LlamaSwap.Tests.Supervisor.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaSwap.Tests.Supervisor.Service;

/// <summary>
/// A <see cref="SupervisorGrpcService"/> without a server: its handlers are called directly, over a scheduler with
/// fake processes and a configuration file in a temporary directory.
/// </summary>
internal sealed class ServiceFixture : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("llamaswap-service-").FullName;

    public ServiceFixture(string yaml, UpstreamLogHubOptions? logOptions = null)
    {
        var file = Path.Combine(_directory, "models.yaml");
        File.WriteAllText(file, yaml);
        Configuration = SupervisorConfiguration.Open(
            key => key == ConfigSourceSettings.FileKey ? file : null, new ConfigWatcherOptions(), TimeProvider.System);
        Scheduler = new ModelScheduler(Configuration.Current, Processes, TimeProvider.System, NullLogger<ModelScheduler>.Instance);
        Logs = new UpstreamLogHub(logOptions ?? new UpstreamLogHubOptions());
        Service = new SupervisorGrpcService(
            Scheduler, Configuration, new SupervisorIdentity("h", "host h"), Logs, SupervisorLog, TimeProvider.System, NullLogger<SupervisorGrpcService>.Instance);
    }

    public SupervisorConfiguration Configuration { get; }

    public FakeUpstreamProcessFactory Processes { get; } = new();

    public ModelScheduler Scheduler { get; }

    public UpstreamLogHub Logs { get; }

    public SupervisorLog SupervisorLog { get; } = new();

    public SupervisorGrpcService Service { get; }

    public async ValueTask DisposeAsync()
    {
        await Scheduler.DisposeAsync();
        Configuration.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
