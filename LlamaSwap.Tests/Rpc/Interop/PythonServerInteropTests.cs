using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Health.V1;
using LlamaSwap.Tests.Rpc.Infrastructure;
using ServingStatus = LlamaSwap.Rpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace LlamaSwap.Tests.Rpc.Interop;

/// <summary>Our client calls a python3-grpcio (grpc-core) server.</summary>
public sealed class PythonServerInteropTests(PythonServerFixture fixture) : IClassFixture<PythonServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private GrpcChannel Channel => fixture.Channel;

    [Fact]
    public async Task UnaryCall()
    {
        var response = await Channel.UnaryAsync(EchoService.EchoMethod, new StringValue { Value = "héllo" }).WaitAsync(Timeout, TestToken);

        Assert.Equal("héllo", response.Value);
    }

    [Fact]
    public async Task ServerStreamingCall()
    {
        using var call = Channel.ServerStreaming(EchoService.CountMethod, new UInt32Value { Value = 4 });

        var values = await call.ReadAllAsync(TestToken).Select(v => v.Value).ToListAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken);

        Assert.Equal([0u, 1u, 2u, 3u], values);
    }

    [Fact]
    public async Task StreamedMessageArrivesBeforeTheStreamEnds()
    {
        using var call = Channel.ServerStreaming(EchoService.StreamThenHangMethod, new StringValue { Value = "ours-live" });

        Assert.True(await call.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        Assert.Equal("first", call.Current.Value);
        call.Dispose();
        await fixture.WhenTerminatedAsync("ours-live");
    }

    [Fact]
    public async Task DeadlineExceeded()
    {
        var options = new CallOptions(Deadline: DateTimeOffset.UtcNow.AddMilliseconds(300));

        var ex = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(EchoService.HangMethod, new StringValue { Value = "ours-deadline" }, options).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        await fixture.WhenTerminatedAsync("ours-deadline");
    }

    [Fact]
    public async Task CancelEndsTheCallOnTheServer()
    {
        using var cts = new CancellationTokenSource();
        using var call = Channel.ServerStreaming(EchoService.StreamThenHangMethod, new StringValue { Value = "ours-cancel" }, new CallOptions(CancellationToken: cts.Token));
        Assert.True(await call.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await fixture.WhenTerminatedAsync("ours-cancel");
    }

    [Fact]
    public async Task UnknownMethodIsUnimplemented()
    {
        var missing = new GrpcMethod<StringValue, StringValue>(GrpcMethodType.Unary, EchoService.ServiceName, "Missing");

        var ex = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(missing, new StringValue()).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task ErrorStatusWithNonAsciiDetailAndTrailers()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(EchoService.FailMethod, new StringValue { Value = "9|modèle 100% occupé" }).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("modèle 100% occupé", ex.Detail);
        Assert.Equal("present", ex.Trailers.GetValue("failure-trailer"));
    }

    [Fact]
    public async Task MetadataAndTraceContextReachTheServer()
    {
        using var activity = new Activity("interop");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.Start();
        var options = new CallOptions(new Metadata().Add("x-request-id", "r-7"));

        var traceparent = await Channel.UnaryAsync(EchoService.HeaderMethod, new StringValue { Value = "traceparent" }, options).WaitAsync(Timeout, TestToken);
        var requestId = await Channel.UnaryAsync(EchoService.HeaderMethod, new StringValue { Value = "x-request-id" }, options).WaitAsync(Timeout, TestToken);

        Assert.Equal(activity.Id, traceparent.Value);
        Assert.Equal("r-7", requestId.Value);
    }

    [Fact]
    public async Task HealthCheck()
    {
        var health = new HealthClient(Channel);
        var options = new CallOptions(Deadline: DateTimeOffset.UtcNow + Timeout);

        var overall = await health.CheckAsync(options: options).WaitAsync(Timeout, TestToken);
        var ex = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync("nope", options).WaitAsync(Timeout, TestToken));

        Assert.Equal(ServingStatus.Serving, overall.Status);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task HealthWatch()
    {
        using var watch = new HealthClient(Channel).Watch("watched");

        Assert.Equal(ServingStatus.ServiceUnknown, await NextAsync(watch));
        await fixture.Python.WriteLineAsync("set watched 1");
        Assert.Equal(ServingStatus.Serving, await NextAsync(watch));
        await fixture.Python.WriteLineAsync("set watched 2");
        Assert.Equal(ServingStatus.NotServing, await NextAsync(watch));
    }

    private static async Task<ServingStatus> NextAsync(ServerStreamingCall<HealthCheckResponse> watch)
    {
        Assert.True(await watch.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        return watch.Current.Status;
    }
}
