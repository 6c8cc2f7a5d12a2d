using System.Text;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;
using static LlamaSwap.Tests.Supervisor.Component.SupervisorTestHost;

namespace LlamaSwap.Tests.Supervisor.Component;

public sealed class LogTests
{
    [Fact]
    public async Task AModelSourceSendsItsHistoryThenLiveOutput()
    {
        await using var host = await StartAsync(new TestConfig().Model("a"));
        await using var lease = await host.AcquireAsync("a");
        await host.WaitForLogAsync("a", t => t.Contains("listening on", StringComparison.Ordinal));

        using var call = host.Client.StreamLogs(new StreamLogsRequest { Source = "a" }, new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
        Assert.True(await call.MoveNextAsync(TestToken));
        var history = call.Current;
        Assert.Equal("a", history.Source);
        Assert.Contains($"pid {lease.Ready.Pid} listening on", history.Data.ToStringUtf8(), StringComparison.Ordinal);
        Assert.Equal(0ul, history.DroppedBytes);

        using (var http = UpstreamClient(lease.Ready.UpstreamBaseUrl))
            (await http.GetAsync("/v1/models", TestToken)).Dispose();
        var live = new StringBuilder();
        while (!live.ToString().Contains("GET /v1/models", StringComparison.Ordinal))
        {
            Assert.True(await call.MoveNextAsync(TestToken));
            live.Append(call.Current.Data.ToStringUtf8());
        }

        Assert.DoesNotContain("listening on", live.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoHistorySendsOnlyWhatIsWrittenAfterwards()
    {
        await using var host = await StartAsync(new TestConfig().Model("a"));
        await using var lease = await host.AcquireAsync("a");
        await host.WaitForLogAsync("a", t => t.Contains("listening on", StringComparison.Ordinal));

        using var call = host.Client.StreamLogs(new StreamLogsRequest { Source = "upstream", NoHistory = true }, new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
        var first = call.MoveNextAsync(TestToken).AsTask();

        // The subscription begins when the Supervisor handles the call; requests are made until output arrives.
        using (var http = UpstreamClient(lease.Ready.UpstreamBaseUrl))
        {
            while (!first.IsCompleted)
            {
                (await http.GetAsync("/v1/models", TestToken)).Dispose();
                await Task.WhenAny(first, Task.Delay(200, TestToken));
            }
        }

        Assert.True(await first);
        // A live chunk of the combined source names the model that wrote it.
        Assert.Equal("a", call.Current.Source);
        Assert.DoesNotContain("listening on", call.Current.Data.ToStringUtf8(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProxySourceIsTheSupervisorsOwnLogAndTheUpstreamSourceCombinesModels()
    {
        var config = new TestConfig().Model("a").Model("b").With("""
            groups:
              both:
                swap: false
                members: [a, b]
            """);
        await using var host = await StartAsync(config);
        await using var onA = await host.AcquireAsync("a");
        await using var onB = await host.AcquireAsync("b");

        var own = await host.WaitForLogAsync("proxy", t => t.Contains($"[INFO] b ready (pid {onB.Ready.Pid})", StringComparison.Ordinal));
        var combined = await host.WaitForLogAsync("upstream", t => t.Contains("simulator a ", StringComparison.Ordinal) && t.Contains("simulator b ", StringComparison.Ordinal));

        Assert.Contains($"[INFO] a ready (pid {onA.Ready.Pid})", own, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", own, StringComparison.Ordinal);
        Assert.Contains($"pid {onA.Ready.Pid} listening on", combined, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("")]
    public async Task AnUnknownSourceIsInvalidArgumentNamingIt(string source)
    {
        await using var host = await StartAsync(new TestConfig().Model("a"));

        using var call = host.Client.StreamLogs(new StreamLogsRequest { Source = source }, new CallOptions(Deadline: DateTimeOffset.UtcNow + Bound, CancellationToken: TestToken));
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await call.MoveNextAsync(TestToken));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains($"unknown log source \"{source}\"", refused.Detail, StringComparison.Ordinal);
        Assert.Contains("\"a\"", refused.Detail, StringComparison.Ordinal);
    }
}
