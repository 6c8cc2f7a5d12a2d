using LlamaSwap.Supervisor.Logs;
using LlamaSwap.Supervisor.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaSwap.Tests.Supervisor.Processes;

public sealed class UpstreamProcessesRegistrationTests
{
    [Fact]
    public async Task TheFactoryHubAndLeftoverReaperResolveFromTheContainer()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("llamaswap-di-test-").FullName;
        try
        {
            var services = new ServiceCollection()
                .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
                .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
                .AddUpstreamProcesses(new UpstreamProcessOptions { StateFilePath = Path.Combine(directory, "upstreams.json") });
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

            var factory = provider.GetRequiredService<IUpstreamProcessFactory>();
            var hosted = Assert.Single(provider.GetServices<IHostedService>());
            await hosted.StartAsync(ct);

            Assert.IsType<UpstreamProcessFactory>(factory);
            Assert.IsType<LeftoverUpstreamReaperService>(hosted);
            Assert.Same(provider.GetRequiredService<UpstreamLogHub>(), provider.GetRequiredService<UpstreamProcessServices>().Logs);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
