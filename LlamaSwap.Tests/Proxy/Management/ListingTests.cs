using System.Net;
using System.Text;
using System.Text.Json;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class ListingTests
{
    internal const string Yaml = """
        includeAliasesInList: true
        models:
          qwen:
            cmd: sim --port ${PORT}
            name: "  Qwen 7B  "
            description: chat model
            aliases: [q7]
            ttl: 300
            metadata:
              family: qwen
              context_length: 999
            capabilities:
              in: [text, image]
              out: [text]
              tools: true
              context: 32768
          hidden:
            cmd: sim --port ${PORT}
            unlisted: true
          whisper:
            cmd: sim --port ${PORT}
        peers:
          remote:
            proxy: http://10.0.0.1:8080
            models: [gpt-x]
        selectors:
          fast:
            strategy: pin
            targets: [q7, whisper]
            name: Fast
          pool:
            strategy: spillover
            targets: [remote/gpt-x, qwen]
            settings:
              spillover: 2
        profiles:
          work:
            description: work setup
            pins:
              coder: qwen
              whisper: qwen
              legacy: ""
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ModelListHasEveryKindOfRecordSortedWithStateFromTheSupervisor()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);
        await host.PublishAsync(ScriptedSupervisor.Snapshot(("hidden", ModelState.Stopped), ("qwen", ModelState.Ready), ("whisper", ModelState.Stopped)));

        var list = await host.Client.GetJsonAsync("/v1/models");

        Assert.Equal("list", list.GetProperty("object").GetString());
        var records = list.GetProperty("data").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.Equal(["fast", "pool", "q7", "qwen", "remote/gpt-x", "whisper"], list.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        foreach (var record in records.Values)
        {
            Assert.Equal("model", record.GetProperty("object").GetString());
            Assert.Equal("llama-swap", record.GetProperty("owned_by").GetString());
            Assert.True(record.GetProperty("created").GetInt64() > 1_700_000_000);
        }

        var qwen = records["qwen"];
        Assert.Equal("Qwen 7B", qwen.GetProperty("name").GetString());
        Assert.Equal("chat model", qwen.GetProperty("description").GetString());
        Assert.Equal("text+image->text", qwen.GetProperty("architecture").GetProperty("modality").GetString());
        Assert.True(qwen.GetProperty("capabilities").GetProperty("vision").GetBoolean());
        Assert.Equal(32768, qwen.GetProperty("context_length").GetInt32());
        Assert.Equal("""{"family":"qwen","type":"model","aliases":["q7"]}""", qwen.GetProperty("meta").GetProperty("llamaswap").GetRawText());
        Assert.Equal(32768, qwen.GetProperty("meta").GetProperty("n_ctx").GetInt32());
        Assert.Equal("loaded", qwen.GetProperty("status").GetProperty("value").GetString());

        var alias = records["q7"];
        Assert.Equal("Qwen 7B", alias.GetProperty("name").GetString());
        Assert.Equal("""{"family":"qwen","type":"alias","modelID":"qwen"}""", alias.GetProperty("meta").GetProperty("llamaswap").GetRawText());
        Assert.Equal("loaded", alias.GetProperty("status").GetProperty("value").GetString());

        var whisper = records["whisper"];
        Assert.False(whisper.TryGetProperty("name", out _));
        Assert.False(whisper.TryGetProperty("description", out _));
        Assert.Equal("""{"llamaswap":{"type":"model"}}""", whisper.GetProperty("meta").GetRawText());
        Assert.Equal("unloaded", whisper.GetProperty("status").GetProperty("value").GetString());

        var peer = records["remote/gpt-x"];
        Assert.Equal("remote: gpt-x", peer.GetProperty("name").GetString());
        Assert.Equal("""{"llamaswap":{"type":"peer","peerID":"remote"}}""", peer.GetProperty("meta").GetRawText());
        Assert.Equal("unloaded", peer.GetProperty("status").GetProperty("value").GetString());

        var fast = records["fast"];
        Assert.Equal("Fast", fast.GetProperty("name").GetString());
        Assert.Equal("""{"type":"selector","strategy":"pin","targets":["q7","whisper"]}""", fast.GetProperty("meta").GetProperty("llamaswap").GetRawText());
        Assert.Equal("loaded", fast.GetProperty("status").GetProperty("value").GetString());

        var pool = records["pool"];
        Assert.Equal("""{"type":"selector","strategy":"spillover","targets":["remote/gpt-x","qwen"],"spillover":2}""", pool.GetProperty("meta").GetProperty("llamaswap").GetRawText());
        Assert.Equal("loaded", pool.GetProperty("status").GetProperty("value").GetString());
    }

    [Fact]
    public async Task ActiveProfilePinsThatNameNothingElseAreListed()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        using var put = await host.Client.PutAsync("/api/profiles/active", Json("""{"name":"work"}"""), Token);
        put.EnsureSuccessStatusCode();
        var list = await host.Client.GetJsonAsync("/v1/models");

        var ids = list.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(["coder", "fast", "pool", "q7", "qwen", "remote/gpt-x", "whisper"], ids);
        var coder = list.GetProperty("data")[0];
        Assert.False(coder.TryGetProperty("name", out _));
        Assert.Equal("""{"llamaswap":{"type":"profile"}}""", coder.GetProperty("meta").GetRawText());
        Assert.Equal("unloaded", coder.GetProperty("status").GetProperty("value").GetString());
    }

    [Fact]
    public async Task ListingEchoesTheOriginOnBothPathsAndIsTheSameOnBoth()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        foreach (var path in new[] { "/v1/models", "/models" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Origin", "http://localhost:3000");
            using var withOrigin = await host.Client.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.OK, withOrigin.StatusCode);
            Assert.Equal("http://localhost:3000", withOrigin.Headers.GetValues("Access-Control-Allow-Origin").Single());

            using var withoutOrigin = await host.Client.GetAsync(path, Token);
            Assert.False(withoutOrigin.Headers.Contains("Access-Control-Allow-Origin"));
        }

        var v1 = await host.Client.GetJsonAsync("/v1/models");
        var plain = await host.Client.GetJsonAsync("/models");
        Assert.Equal(
            v1.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()),
            plain.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task RunningListsEveryModelThatIsNotStoppedSortedWithItsCommand()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);
        await host.PublishAsync(ScriptedSupervisor.Snapshot(
            ("hidden", ModelState.Stopped), ("qwen", ModelState.Ready), ("whisper", ModelState.Starting), ("after-reload", ModelState.Stopping)));
        var qwen = host.Config.Current.Models["qwen"];
        var whisper = host.Config.Current.Models["whisper"];

        var running = await host.Client.GetJsonAsync("/running");

        Assert.Equal(
            $$"""{"running":[{"model":"after-reload","state":"stopping","cmd":"","proxy":"","ttl":0,"name":"","description":""},{"model":"qwen","state":"ready","cmd":"{{qwen.Cmd}}","proxy":"{{qwen.Proxy}}","ttl":300,"name":"Qwen 7B","description":"chat model"},{"model":"whisper","state":"starting","cmd":"{{whisper.Cmd}}","proxy":"{{whisper.Proxy}}","ttl":0,"name":"","description":""}]}""",
            running.GetRawText());
        Assert.DoesNotContain("${PORT}", qwen.Cmd, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnloadRoutesAskTheSupervisorForAHardUnload()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        using var all = await host.Client.GetAsync("/unload", Token);
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal("text/plain", all.Content.Headers.ContentType?.MediaType);
        Assert.Equal("OK", await all.Content.ReadAsStringAsync(Token));

        using var api = await host.Client.PostAsync("/api/models/unload", null, Token);
        Assert.Equal("""{"msg":"ok"}""", await api.Content.ReadAsStringAsync(Token));

        using var one = await host.Client.PostAsync("/api/models/unload/q7", null, Token);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("OK", await one.Content.ReadAsStringAsync(Token));

        Assert.Equal(
            [new UnloadRequest { Hard = true }, new UnloadRequest { Hard = true }, new UnloadRequest { Hard = true, ModelIds = { "qwen" } }],
            host.Supervisor.Unloads.ToArray());
    }

    [Fact]
    public async Task UnloadingAnUnknownNameOrOneTheSupervisorDoesNotKnowIs404()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        using var unknown = await host.Client.PostAsync("/api/models/unload/remote/gpt-x", null, Token);
        await unknown.AssertErrorAsync(404, "model not found");
        using var pin = await host.Client.PostAsync("/api/models/unload/coder", null, Token);
        await pin.AssertErrorAsync(404, "model not found");

        host.Supervisor.UnloadFailure = new RpcException(StatusCode.NotFound, "model 'whisper' is not configured");
        using var notOnSupervisor = await host.Client.PostAsync("/api/models/unload/whisper", null, Token);
        await notOnSupervisor.AssertErrorAsync(404, "no local server found for requested model");

        host.Supervisor.UnloadFailure = new RpcException(StatusCode.Internal, "stop command failed");
        using var failed = await host.Client.GetAsync("/unload", Token);
        await failed.AssertErrorAsync(500, "unspecific error: stop command failed");
    }

    [Fact]
    public async Task ProfilesAreListedSortedWithDisabledPinsAsEmptyStrings()
    {
        await using var host = await ManagementHost.StartAsync(Yaml + "\n  home:\n    pins:\n      coder: whisper\n");

        var profiles = await host.Client.GetJsonAsync("/api/profiles");

        Assert.Equal(
            """{"active":null,"profiles":[{"id":"home","description":"","pins":{"coder":"whisper"}},{"id":"work","description":"work setup","pins":{"coder":"qwen","legacy":"","whisper":"qwen"}}]}""",
            profiles.GetRawText());
    }

    [Theory]
    [InlineData("{not json", 400, "invalid profile request")]
    [InlineData("[\"work\"]", 400, "invalid profile request")]
    [InlineData("{}", 400, "profile name is required")]
    [InlineData("{\"name\":42}", 400, "profile name must be a string or null")]
    [InlineData("{\"name\":\"play\"}", 404, "profile \"play\" not found")]
    public async Task SettingTheActiveProfileValidatesTheBody(string body, int status, string message)
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        using var response = await host.Client.PutAsync("/api/profiles/active", Json(body), Token);

        await response.AssertErrorAsync(status, message);
    }

    [Fact]
    public async Task SettingAndClearingTheActiveProfile()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        using var set = await host.Client.PutAsync("/api/profiles/active", Json("""{"name":"work"}"""), Token);
        Assert.Equal("""{"active":"work"}""", await set.Content.ReadAsStringAsync(Token));
        Assert.Equal("work", (await host.Client.GetJsonAsync("/api/profiles")).GetProperty("active").GetString());

        using var cleared = await host.Client.PutAsync("/api/profiles/active", Json("""{"name":null}"""), Token);
        Assert.Equal("""{"active":null}""", await cleared.Content.ReadAsStringAsync(Token));
        Assert.Null(host.Get<LlamaSwap.Proxy.Resolution.ActiveProfile>().Name);
    }

    [Fact]
    public async Task VersionSplitsTheInformationalVersion()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        var version = await host.Client.GetJsonAsync("/api/version");

        Assert.Equal(["version", "commit", "build_date"], version.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("+", version.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{7,40}$|^unknown$", version.GetProperty("commit").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", version.GetProperty("build_date").GetString());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
