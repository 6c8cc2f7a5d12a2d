using System.Net;
using System.Net.Sockets;
using System.Text;
using LlamaSwap.Proxy.Activity;
using LlamaSwap.Proxy.Events;
using LlamaSwap.Proxy.Logs;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class EventsTests
{
    private const string Yaml = """
        models:
          qwen:
            cmd: sim --port ${PORT}
            name: Qwen
            aliases: [q7]
            capabilities:
              in: [text, image]
              out: [text]
              context: 4096
          whisper:
            cmd: sim --port ${PORT}
            unlisted: true
        peers:
          remote:
            proxy: http://10.0.0.1:8080
            models: [gpt-x]
        profiles:
          work:
            pins:
              coder: qwen
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(HttpResponseMessage Response, EventStreamReading Events)> ConnectAsync(ManagementHost host)
    {
        var response = await host.Client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response, new EventStreamReading(await response.Content.ReadAsStreamAsync(Token)));
    }

    [Fact]
    public async Task InitialBurstSendsLogsStateConfigProfileAndInFlightInOrder()
    {
        await using var host = await ManagementHost.StartAsync(Yaml, script: s => s.WriteLog("upstream", "upstream says hi\n"));
        await TextSink.Attach(host.Get<LogFeeds>().Upstream).WaitForAsync("upstream says hi\n").DefaultTimeout();
        host.Get<ILoggerFactory>().CreateLogger("LlamaSwap.Proxy.Test").LogInformation("proxy says hi");

        var (response, events) = await ConnectAsync(host);
        using (response)
        {
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.ToString());
            Assert.True(response.Headers.CacheControl?.NoCache);
            Assert.Contains("keep-alive", response.Headers.Connection);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());

            var burst = new List<EventFrame>();
            for (var i = 0; i < 6; i++)
                burst.Add(await events.NextAsync());

            Assert.Equal(["logData", "logData", "modelStatus", "uiConfig", "profileChanged", "inflight"], burst.Select(f => f.Type));
            Assert.StartsWith("event:message\ndata:{\"type\":\"logData\",\"data\":\"{\\\"source\\\":\\\"proxy\\\",\\\"data\\\":\\\"", burst[0].Raw, StringComparison.Ordinal);
            Assert.Contains("[INFO] proxy says hi\n", burst[0].Payload.GetProperty("data").GetString(), StringComparison.Ordinal);
            Assert.Equal("""{"source":"upstream","data":"upstream says hi\n"}""", burst[1].Data);
            Assert.Equal(
                """[{"id":"qwen","name":"Qwen","description":"","state":"stopped","unlisted":false,"peerID":"","aliases":["q7"],"capabilities":{"vision":true},"context_length":4096},"""
                + """{"id":"whisper","name":"","description":"","state":"stopped","unlisted":true,"peerID":""},"""
                + """{"id":"remote/gpt-x","name":"","description":"","state":"","unlisted":false,"peerID":"remote"}]""",
                burst[2].Data);
            Assert.Equal("""{"activity":{"session_id":["X-Session-ID","X-Litellm-Session-Id"]}}""", burst[3].Data);
            Assert.Equal("""{"active":null}""", burst[4].Data);
            Assert.Equal("""{"operation":"snapshot","requests":[]}""", burst[5].Data);
        }
    }

    [Fact]
    public async Task LiveUpdatesFollowStateProfileReloadLogsActivityAndInFlight()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);
        var (response, events) = await ConnectAsync(host);
        using (response)
        {
            await events.NextOfTypeAsync("inflight");

            host.Supervisor.Publish(ScriptedSupervisor.Snapshot(("qwen", ModelState.Starting), ("whisper", ModelState.Stopped)));
            var starting = await events.NextOfTypeAsync("modelStatus", f => f.Data.Contains("\"state\":\"starting\"", StringComparison.Ordinal));
            Assert.Equal("starting", starting.Payload[0].GetProperty("state").GetString());

            using (var put = await host.Client.PutAsync("/api/profiles/active", new StringContent("""{"name":"work"}""", Encoding.UTF8, "application/json"), Token))
                put.EnsureSuccessStatusCode();
            // The change is logged first, then announced, then the listing state follows.
            await events.NextOfTypeAsync("logData", f => f.Payload.GetProperty("data").GetString()!.Contains("[INFO] active profile changed to \"work\"", StringComparison.Ordinal));
            Assert.Equal("""{"active":"work"}""", (await events.NextOfTypeAsync("profileChanged")).Data);
            await events.NextOfTypeAsync("modelStatus");

            host.Config.Reload(TestConfigProvider.Load(Yaml.Replace("name: Qwen", "name: Qwen Reloaded", StringComparison.Ordinal)));
            await events.NextOfTypeAsync("modelStatus", f => f.Data.Contains("Qwen Reloaded", StringComparison.Ordinal));

            host.Supervisor.WriteLog("upstream", "live upstream line\n");
            var upstream = await events.NextOfTypeAsync("logData", f => f.Data.Contains("live upstream line", StringComparison.Ordinal));
            Assert.Equal("""{"source":"upstream","data":"live upstream line\n"}""", upstream.Data);

            var context = new DefaultHttpContext();
            context.Request.Method = "POST";
            context.Request.Path = "/v1/chat/completions";
            context.Request.Headers.Authorization = "Bearer secret";
            var scope = host.Get<IRequestActivity>().Begin(context, "qwen", "q7");
            var added = await events.NextOfTypeAsync("inflight");
            Assert.Equal("upsert", added.Payload.GetProperty("operation").GetString());
            var request = added.Payload.GetProperty("request");
            Assert.Equal("qwen", request.GetProperty("model").GetString());
            Assert.Equal("/v1/chat/completions", request.GetProperty("req_path").GetString());
            Assert.Equal("[REDACTED]", request.GetProperty("req_headers").GetProperty("Authorization").GetString());

            await scope.DisposeAsync();
            var removed = await events.NextOfTypeAsync("inflight");
            Assert.Equal($$"""{"operation":"remove","id":"{{request.GetProperty("id").GetString()}}"}""", removed.Data);
            var activity = await events.NextOfTypeAsync("activity");
            Assert.Matches("""^\{"id":\d+\}$""", activity.Data);
        }
    }

    [Fact]
    public async Task ModelStatusCarriesTheTtlAndIsSentAgainWhenTheIdleClockStarts()
    {
        await using var host = await ManagementHost.StartAsync(Yaml.Replace("    name: Qwen", "    name: Qwen\n    ttl: 60", StringComparison.Ordinal));
        var (response, events) = await ConnectAsync(host);
        using (response)
        {
            host.Supervisor.Publish(ScriptedSupervisor.Snapshot(("qwen", ModelState.Ready), ("whisper", ModelState.Stopped)));
            var busy = await events.NextOfTypeAsync("modelStatus", f => f.Data.Contains("\"state\":\"ready\"", StringComparison.Ordinal));
            Assert.Equal(60, busy.Payload[0].GetProperty("ttl").GetInt32());
            Assert.False(busy.Payload[0].TryGetProperty("ttlRemaining", out _));
            Assert.False(busy.Payload[1].TryGetProperty("ttl", out _));

            // The last lease ends: same state, but the clock now runs, so the UI hears of it.
            var idle = ScriptedSupervisor.Snapshot(("qwen", ModelState.Ready), ("whisper", ModelState.Stopped));
            idle.Models[0].TtlRemaining = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(59.2));
            host.Supervisor.Publish(idle);
            var counting = await events.NextOfTypeAsync("modelStatus", f => f.Data.Contains("ttlRemaining", StringComparison.Ordinal));
            Assert.Equal(60, counting.Payload[0].GetProperty("ttlRemaining").GetInt32());
        }
    }

    [Fact]
    public async Task ASlowClientIsDroppedWithoutSlowingLoggingOrOtherClients()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);
        var hub = host.Get<EventHub>();

        // The slow client reads its response headers, then nothing more.
        using var slow = new TcpClient();
        await slow.ConnectAsync(host.Address.Host, host.Address.Port, Token);
        var slowStream = slow.GetStream();
        await slowStream.WriteAsync(Encoding.ASCII.GetBytes("GET /api/events HTTP/1.1\r\nHost: localhost\r\n\r\n"), Token);
        var slowReading = new StreamReading(slowStream);
        await slowReading.UntilAsync("\r\n\r\n");

        var (response, fast) = await ConnectAsync(host);
        using (response)
        {
            await fast.NextOfTypeAsync("inflight");
            Assert.Equal(2, hub.ClientCount);

            // Written in batches the fast client keeps up with; the slow one reads nothing and falls behind by
            // far more than its 1024-message queue and the socket buffers hold.
            var logger = host.Get<ILoggerFactory>().CreateLogger("LlamaSwap.Proxy.Test");
            var line = new string('x', 16 * 1024);
            for (var batch = 0; batch < 30; batch++)
            {
                await Task.Run(() =>
                {
                    for (var i = 0; i < 100; i++)
                        logger.LogInformation("{Line}", line);
                    logger.LogInformation("batch {Batch} written", batch);
                }, Token).DefaultTimeout();
                var marker = $"[INFO] batch {batch} written";
                await fast.NextOfTypeAsync("logData", f => f.Data.Contains(marker, StringComparison.Ordinal));
            }

            logger.LogInformation("the end");
            await fast.NextOfTypeAsync("logData", f => f.Data.Contains("[INFO] the end", StringComparison.Ordinal));
            Assert.Equal(1, hub.OverflowedClientCount);
        }

        // Once the slow client reads again, its stream ends (chunked terminator) without the later messages.
        var slowText = await slowReading.UntilAsync("\r\n0\r\n\r\n");
        Assert.DoesNotContain("the end", slowText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventStreamEndsWhenTheServiceStops()
    {
        var host = await ManagementHost.StartAsync(Yaml);
        try
        {
            var (response, events) = await ConnectAsync(host);
            using (response)
            {
                await events.NextOfTypeAsync("inflight");
                await host.App.StopAsync(Token).DefaultTimeout();
                // The body ends (rather than the read timing out) and the client is detached.
                await new StreamReading(await response.Content.ReadAsStreamAsync(Token)).ToEndAsync();
                Assert.Equal(0, host.Get<EventHub>().ClientCount);
            }
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public void HubBroadcastNeverWaitsAndDropsAFullClientOnly()
    {
        var full = new EventStream(capacity: 4);
        var roomy = new EventStream(capacity: 64);
        full.Open([]);
        roomy.Open([]);

        for (var i = 0; i < 10; i++)
        {
            var message = ManagementEvent.Json(EventTypes.Activity, new { id = i });
            full.Post(message);
            roomy.Post(message);
        }

        Assert.True(full.Overflowed);
        Assert.False(roomy.Overflowed);
        Assert.Equal(10, roomy.Reader.Count);
    }

    [Fact]
    public void MessagesPostedBeforeTheBurstIsOpenFollowIt()
    {
        var stream = new EventStream();
        stream.Post(ManagementEvent.Json(EventTypes.Activity, new { id = 1 }));

        stream.Open([ManagementEvent.Json(EventTypes.UiConfig, new { }), ManagementEvent.Json(EventTypes.ProfileChanged, new { active = (string?)null })]);
        stream.Post(ManagementEvent.Json(EventTypes.Activity, new { id = 2 }));

        var types = new List<string>();
        while (stream.Reader.TryRead(out var message))
            types.Add($"{message.Type}:{message.Data()}");
        Assert.Equal(["uiConfig:{}", "profileChanged:{\"active\":null}", "activity:{\"id\":1}", "activity:{\"id\":2}"], types);
        Assert.Equal("event:message\ndata:{\"type\":\"activity\",\"data\":\"{\\\"id\\\":2}\"}\n\n", Encoding.UTF8.GetString(ManagementEvent.Json(EventTypes.Activity, new { id = 2 }).Frame()));
    }
}
