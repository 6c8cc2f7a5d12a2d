using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Health.V1;
using LlamaSwap.Tests.Rpc.Infrastructure;
using ServingStatus = LlamaSwap.Rpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace LlamaSwap.Tests.Rpc.Client;

public sealed class HealthClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckReportsTheOverallStatusAndRegisteredServices()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var health = new HealthClient(channel);
        server.Health.SetStatus("llamaswap.supervisor.v1.Supervisor", ServingStatus.NotServing);

        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(options: Deadline()).WaitAsync(Timeout, TestToken)).Status);
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync("llamaswap.supervisor.v1.Supervisor", Deadline()).WaitAsync(Timeout, TestToken)).Status);
    }

    [Fact]
    public async Task CheckOfAnUnknownServiceIsNotFound()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var ex = await Assert.ThrowsAsync<RpcException>(() => new HealthClient(channel).CheckAsync("nope", Deadline()).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task WatchSendsTheCurrentStatusThenEachChange()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var watch = new HealthClient(channel).Watch("svc");
        Assert.Equal(ServingStatus.ServiceUnknown, await NextAsync(watch));
        server.Health.SetStatus("svc", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await NextAsync(watch));
        server.Health.SetStatus("svc", ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await NextAsync(watch));
        server.Health.ClearStatus("svc");
        Assert.Equal(ServingStatus.ServiceUnknown, await NextAsync(watch));
    }

    private static CallOptions Deadline() => new(Deadline: DateTimeOffset.UtcNow + Timeout);

    private static async Task<ServingStatus> NextAsync(ServerStreamingCall<HealthCheckResponse> watch)
    {
        Assert.True(await watch.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        return watch.Current.Status;
    }
}
