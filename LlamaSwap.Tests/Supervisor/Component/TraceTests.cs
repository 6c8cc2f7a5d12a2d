using System.Collections.Concurrent;
using System.Diagnostics;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Supervisor.Telemetry;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>Proxy → Supervisor is one trace: the caller's traceparent is the parent of everything the Acquire does.</summary>
public sealed class TraceTests
{
    [Fact]
    public async Task AcquireJoinsTheCallersTraceAndTheSchedulersSpansNestUnderIt()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SupervisorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await StartAsync(new TestConfig().Model("a").Model("b"), UpstreamMonitor.AtMost(1));

        var first = ActivityTraceId.CreateRandom();
        await using (await AcquireTraced(host, "a", first))
        {
        }

        var second = ActivityTraceId.CreateRandom();
        await using (await AcquireTraced(host, "b", second))
        {
        }

        var traceA = await SpansOf(spans, first, "llamaswap.supervisor.v1.Supervisor/Acquire");
        var server = Single(traceA, "llamaswap.supervisor.v1.Supervisor/Acquire");
        var acquire = Single(traceA, "acquire");
        var swap = Single(traceA, "swap");
        var start = Single(traceA, SupervisorTelemetry.Spans.StartModel);
        var readiness = Single(traceA, SupervisorTelemetry.Spans.ReadinessWait);
        Assert.Equal("grpc", server.GetTagItem("rpc.system"));
        Assert.Equal(server.SpanId, acquire.ParentSpanId);
        Assert.Equal(acquire.SpanId, swap.ParentSpanId);
        Assert.Equal(swap.SpanId, start.ParentSpanId);
        Assert.Equal(start.SpanId, readiness.ParentSpanId);

        // The swap to b evicts a: a's stop belongs to the request that caused it.
        var traceB = await SpansOf(spans, second, "llamaswap.supervisor.v1.Supervisor/Acquire");
        var swapB = Single(traceB, "swap");
        var stopA = Single(traceB, SupervisorTelemetry.Spans.StopModel);
        Assert.Equal(swapB.SpanId, stopA.ParentSpanId);
        Assert.Equal("a", stopA.GetTagItem(SupervisorTelemetry.Tags.Model));
    }

    private static Task<SupervisorLease> AcquireTraced(SupervisorTestHost host, string model, ActivityTraceId trace)
    {
        var caller = ActivitySpanId.CreateRandom();
        var headers = new Metadata().Add("traceparent", $"00-{trace}-{caller}-01");
        return host.Client.AcquireAsync(new AcquireRequest { ModelId = model }, null, new CallOptions(headers, CancellationToken: TestToken)).WaitAsync(Bound, TestToken);
    }

    /// <summary>The spans of one trace, once the named span has ended (the server span ends after the release is seen).</summary>
    private static async Task<List<Activity>> SpansOf(ConcurrentQueue<Activity> spans, ActivityTraceId trace, string last)
    {
        var deadline = DateTimeOffset.UtcNow + Bound;
        while (!spans.Any(s => s.TraceId == trace && s.DisplayName == last))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the '{last}' span of trace {trace} never ended");
            await Task.Delay(20, TestToken);
        }

        return [.. spans.Where(s => s.TraceId == trace)];
    }

    private static Activity Single(IEnumerable<Activity> spans, string name)
    {
        var named = spans.Where(s => s.DisplayName == name || s.OperationName == name).ToList();
        Assert.True(named.Count == 1, $"expected one '{name}' span, found {named.Count} among: {string.Join(", ", spans.Select(s => s.DisplayName))}");
        return named[0];
    }
}
