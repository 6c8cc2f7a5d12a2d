using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Rpc.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Tests.Rpc.Client;

/// <summary>Our client against our server over real HTTP/2 on 127.0.0.1.</summary>
public sealed class GrpcChannelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnaryCallReturnsTheResponse()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var response = await channel.UnaryAsync(EchoService.EchoMethod, new StringValue { Value = "hello" }).WaitAsync(Timeout, TestToken);

        Assert.Equal("hello", response.Value);
    }

    [Fact]
    public async Task ServerStreamingDeliversEveryMessageThenTrailers()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(EchoService.CountMethod, new UInt32Value { Value = 5 });
        var values = await call.ReadAllAsync(TestToken).Select(v => v.Value).ToListAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken);

        Assert.Equal([0u, 1u, 2u, 3u, 4u], values);
        Assert.Empty(call.GetTrailers());
    }

    [Fact]
    public async Task EachStreamedMessageArrivesWhileTheServerIsStillRunning()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(EchoService.StreamThenHangMethod, new StringValue { Value = "live" });

        // The handler never returns on its own: the first message can only come from an unbuffered stream.
        Assert.True(await call.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        Assert.Equal("first", call.Current.Value);
        Assert.False(server.Echo.WhenCancelled("live").IsCompleted);
    }

    [Fact]
    public async Task ServerStatusBecomesRpcExceptionWithDecodedDetailAndTrailers()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoService.FailMethod, new StringValue { Value = "5|modèle 100% introuvable" }).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("modèle 100% introuvable", ex.Detail);
        Assert.Equal("present", ex.Trailers.GetValue("failure-trailer"));
    }

    [Fact]
    public async Task UnknownMethodIsUnimplemented()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var missing = new GrpcMethod<StringValue, StringValue>(GrpcMethodType.Unary, EchoService.ServiceName, "Missing");

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(missing, new StringValue()).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Equal("Method is unimplemented.", ex.Detail);
    }

    [Fact]
    public async Task DeadlineFailsTheCallAndReachesTheServer()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var deadline = DateTimeOffset.UtcNow.AddMilliseconds(300);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoService.HangMethod, new StringValue { Value = "client-deadline" }, new CallOptions(Deadline: deadline)).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        var context = await server.Echo.WhenCancelled("client-deadline").WaitAsync(Timeout, TestToken);
        Assert.NotNull(context.Deadline);
        Assert.InRange(context.Deadline.Value, deadline.AddSeconds(-5), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task DeadlineAlreadyPassedFailsWithoutCallingTheServer()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoService.HangMethod, new StringValue { Value = "past" }, new CallOptions(Deadline: DateTimeOffset.UtcNow.AddSeconds(-1))).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.False(server.Echo.WhenStarted("past").IsCompleted);
    }

    [Fact]
    public async Task CancellingTheTokenCancelsTheCallOnBothSides()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var cts = new CancellationTokenSource();

        using var call = channel.ServerStreaming(EchoService.StreamThenHangMethod, new StringValue { Value = "cancel" }, new CallOptions(CancellationToken: cts.Token));
        Assert.True(await call.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        var next = call.MoveNextAsync(TestToken).AsTask();
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => next.WaitAsync(Timeout, TestToken));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await server.Echo.WhenCancelled("cancel").WaitAsync(Timeout, TestToken);
        await server.Calls.WaitForIdleAsync().WaitAsync(Timeout, TestToken);
    }

    [Fact]
    public async Task DisposingAStreamingCallEndsItOnTheServer()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var call = channel.ServerStreaming(EchoService.StreamThenHangMethod, new StringValue { Value = "dispose" });
        Assert.True(await call.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        await call.DisposeAsync();

        await server.Echo.WhenCancelled("dispose").WaitAsync(Timeout, TestToken);
        await server.Calls.WaitForIdleAsync().WaitAsync(Timeout, TestToken);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.MoveNextAsync(TestToken).AsTask());
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task ServerShutdownEndsOpenStreamsWithUnavailable()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = channel.ServerStreaming(EchoService.StreamThenHangMethod, new StringValue { Value = "shutdown" });
        Assert.True(await call.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));

        // Well inside Kestrel's own shutdown timeout: the open stream must not hold shutdown up.
        await server.StopAsync().WaitAsync(Timeout, TestToken);

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.MoveNextAsync(TestToken).AsTask().WaitAsync(Timeout, TestToken));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal("Server is shutting down.", ex.Detail);
    }

    [Fact]
    public async Task ResponseOverTheReceiveLimitIsResourceExhausted()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcClientOptions { MaxReceiveMessageSize = 64 });

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoService.EchoMethod, new StringValue { Value = new string('x', 100) }).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task RefusedConnectionIsUnavailable()
    {
        var port = FreePort.Get();
        using var channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{port}"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoService.EchoMethod, new StringValue()).WaitAsync(Timeout, TestToken));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains($"127.0.0.1:{port}", ex.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503, "text/plain", StatusCode.Unavailable)]
    [InlineData(404, "text/plain", StatusCode.Unimplemented)]
    [InlineData(401, "text/plain", StatusCode.Unauthenticated)]
    [InlineData(403, "application/grpc", StatusCode.PermissionDenied)]
    [InlineData(500, "text/plain", StatusCode.Unknown)]
    [InlineData(200, "text/html", StatusCode.Cancelled)]
    [InlineData(200, "application/grpc", StatusCode.Cancelled)]
    public async Task NonGrpcResponsesAreMappedToAStatus(int httpStatus, string contentType, StatusCode expected)
    {
        await using var server = await GrpcTestServer.StartAsync(map: app =>
            app.MapPost("/http.Errors/Reply", (HttpContext context) =>
            {
                context.Response.StatusCode = httpStatus;
                context.Response.ContentType = contentType;
                return Task.CompletedTask;
            }));
        using var channel = GrpcChannel.ForAddress(server.Address);
        var method = new GrpcMethod<StringValue, StringValue>(GrpcMethodType.Unary, "http.Errors", "Reply");

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(method, new StringValue()).WaitAsync(Timeout, TestToken));

        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task MetadataAndTraceContextTravelAsHeaders()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var activity = new Activity("proxy request");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.TraceStateString = "llamaswap=1";
        activity.Start();
        var options = new CallOptions(new Metadata().Add("x-request-id", "r-42").Add("blob-bin", [0, 1, 2, 255]));

        async Task<string> HeaderAsync(string name) =>
            (await channel.UnaryAsync(EchoService.HeaderMethod, new StringValue { Value = name }, options).WaitAsync(Timeout, TestToken)).Value;

        Assert.Equal("r-42", await HeaderAsync("x-request-id"));
        Assert.Equal($"00-{activity.TraceId}-{activity.SpanId}-00", await HeaderAsync("traceparent"));
        Assert.Equal("llamaswap=1", await HeaderAsync("tracestate"));
        Assert.Equal("000102FF", await HeaderAsync("blob-bin"));
    }

    [Fact]
    public async Task TraceContextStaysOneTraceWhenHttpClientIsInstrumented()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var listener = new ActivityListener
        {
            // What OpenTelemetry's HttpClient instrumentation does: sample System.Net.Http's activities.
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var activity = new Activity("acquire");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.Start();

        var traceparent = (await channel.UnaryAsync(EchoService.HeaderMethod, new StringValue { Value = "traceparent" }).WaitAsync(Timeout, TestToken)).Value;

        Assert.DoesNotContain(",", traceparent, StringComparison.Ordinal);
        Assert.Equal(activity.TraceId.ToString(), traceparent.Split('-')[1]);
    }
}
