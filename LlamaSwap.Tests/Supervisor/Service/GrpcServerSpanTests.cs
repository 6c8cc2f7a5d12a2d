using System.Diagnostics;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Supervisor.Grpc;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class GrpcServerSpanTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void TheCallersTraceparentIsTheParent()
    {
        var parent = GrpcServerSpan.ParentOf(Context(new Metadata().Add("traceparent", TraceParent).Add("tracestate", "k=v")), ambient: null, out var remote);

        Assert.True(remote);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", parent.TraceId.ToString());
        Assert.Equal("b7ad6b7169203331", parent.SpanId.ToString());
        Assert.Equal("k=v", parent.TraceState);
        Assert.True(parent.IsRemote);
    }

    [Fact]
    public void ARequestSpanOfTheSameTraceIsTheParentInstead()
    {
        using var request = new Activity("request").SetParentId(TraceParent).Start();

        var parent = GrpcServerSpan.ParentOf(Context(new Metadata().Add("traceparent", TraceParent)), request, out var remote);

        Assert.False(remote);
        Assert.Equal(request.SpanId, parent.SpanId);
    }

    [Fact]
    public void AnAmbientSpanOfAnotherTraceDoesNotCaptureTheCall()
    {
        using var unrelated = new Activity("unrelated").Start();

        var parent = GrpcServerSpan.ParentOf(Context(new Metadata().Add("traceparent", TraceParent)), unrelated, out var remote);

        Assert.True(remote);
        Assert.Equal("b7ad6b7169203331", parent.SpanId.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    public void WithoutAUsableTraceparentThereIsNoRemoteParent(string? traceParent)
    {
        var headers = new Metadata();
        if (traceParent is not null)
            headers.Add("traceparent", traceParent);

        var parent = GrpcServerSpan.ParentOf(Context(headers), ambient: null, out var remote);

        Assert.Equal(default, parent);
        Assert.True(remote);
    }

    private static ServerCallContext Context(Metadata headers) => new("/llamaswap.supervisor.v1.Supervisor/Acquire", headers);
}
