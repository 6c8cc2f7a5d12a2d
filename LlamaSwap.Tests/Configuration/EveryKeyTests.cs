using System.Runtime.CompilerServices;
using LlamaSwap.Configuration;
using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class EveryKeyTests : IDisposable
{
    private readonly TempConfigDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>The fixture from the build output, or from the source tree when the output does not carry it.</summary>
    internal static string FixturePath(string name, [CallerFilePath] string sourceFile = "")
    {
        var output = Path.Combine(AppContext.BaseDirectory, "Configuration", "Fixtures", name);
        return File.Exists(output) ? output : Path.Combine(Path.GetDirectoryName(sourceFile)!, "Fixtures", name);
    }

    [Fact]
    public void ComprehensiveFileLoadsIntoTheExpectedRecords()
    {
        var storePath = Path.Combine(temp.Root, "activity.db");
        var environment = new Dictionary<string, string>
        {
            ["HF_TOKEN"] = "hf_123",
            ["LLAMASWAP_KEY"] = "sk-local",
            ["STORE_PATH"] = storePath,
            ["OPENROUTER_KEY"] = "sk-or",
        };
        var path = FixturePath("every-key.yaml");

        var result = ConfigLoader.Load(new ConfigSource(path), environment);

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal(["logRequests is deprecated and ignored"], result.Warnings.Select(w => w.Message));
        var config = result.Config;

        Assert.Equal(TimeSpan.FromSeconds(90), config.HealthCheckTimeout);
        Assert.Equal(LogLevelSetting.Debug, config.LogLevel);
        Assert.Equal("rfc3339", config.LogTimeFormat);
        Assert.Equal(LogToStdout.Both, config.LogToStdout);
        Assert.Equal(500, config.MetricsMaxInMemory);
        Assert.Equal(8, config.CaptureBufferMb);
        Assert.Equal(storePath, config.StorePath);
        Assert.Equal(["X-Session-ID", "X-Conversation"], config.UiSessionIdHeaders);
        Assert.Equal(new PerformanceConfig { Disabled = true, Every = TimeSpan.FromSeconds(90) }, config.Performance);
        Assert.Equal(6000, config.StartPort);
        Assert.True(config.SendLoadingState);
        Assert.Equal(LoadingStateStyle.Comments, config.LoadingStateStyle);
        Assert.True(config.IncludeAliasesInList);
        Assert.Equal(TimeSpan.FromSeconds(600), config.GlobalTtl);
        Assert.Equal(TimeSpan.FromSeconds(20), config.UnloadTimeout);
        Assert.Equal(["sk-local"], config.ApiKeys);
        Assert.Equal([@".*\.png$"], config.UpstreamIgnorePaths);
        Assert.Equal([path], config.Sources);

        Assert.Equal(["embed", "qwen", "whisper"], config.Models.Keys);
        var qwen = config.Models["qwen"];
        Assert.Equal("/opt/llama/llama-server -m /models/qwen.gguf\n--ctx-size 32768 --port 6001\n", qwen.Cmd);
        Assert.Equal("kill -TERM ${PID}", qwen.CmdStop);
        Assert.Equal("http://localhost:6001", qwen.Proxy);
        Assert.Equal(6001, qwen.Port);
        Assert.Equal("/health", qwen.CheckEndpoint);
        Assert.Equal(TimeSpan.FromSeconds(300), qwen.Ttl);
        Assert.Equal(TimeSpan.FromSeconds(5), qwen.UnloadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), qwen.HealthCheckTimeout);
        Assert.Equal(["gpt-4o-mini", "coder"], qwen.Aliases);
        Assert.Equal(["CUDA_VISIBLE_DEVICES=0", "TOKEN=hf_123"], qwen.Env);
        Assert.False(qwen.Unlisted);
        Assert.Equal("qwen3-coder", qwen.UseModelName);
        Assert.Equal("Qwen Coder", qwen.Name);
        Assert.Equal("Fast coding model", qwen.Description);
        Assert.Equal(4, qwen.ConcurrencyLimit);
        Assert.False(qwen.SendLoadingState);
        Assert.Equal(LoadingStateStyle.Reasoning, qwen.LoadingStateStyle);
        Assert.Equal(["temperature", "top_k"], qwen.Filters.StripParams);
        Assert.Equal(0.9, qwen.Filters.SetParams["top_p"].GetDouble());
        Assert.Equal("high", qwen.Filters.SetParamsById["qwen:think"]["reasoning_effort"].GetString());
        Assert.Equal(6001, qwen.Metadata.GetProperty("port").GetInt32());
        Assert.Equal(32768, qwen.Metadata.GetProperty("ctx").GetInt32());
        Assert.Equal("qwen", qwen.Metadata.GetProperty("family").GetString());
        Assert.Equal(
            new UpstreamTimeouts
            {
                Connect = TimeSpan.FromSeconds(5),
                KeepAlive = TimeSpan.FromSeconds(15),
                ResponseHeader = TimeSpan.FromSeconds(600),
                TlsHandshake = TimeSpan.FromSeconds(3),
                ExpectContinue = TimeSpan.FromSeconds(2),
                IdleConnection = TimeSpan.FromSeconds(60),
            },
            qwen.Timeouts);
        Assert.True(qwen.IgnoreWebsockets);
        Assert.Equal([Modality.Text, Modality.Image], qwen.Capabilities.In);
        Assert.Equal([Modality.Text], qwen.Capabilities.Out);
        Assert.True(qwen.Capabilities.Tools);
        Assert.False(qwen.Capabilities.Reranker);
        Assert.Equal(32768, qwen.Capabilities.Context);

        var embed = config.Models["embed"];
        Assert.Equal(6000, embed.Port);
        Assert.Null(embed.Ttl);
        Assert.Equal(["dimensions"], embed.Filters.StripParams);
        Assert.True(embed.SendLoadingState);
        Assert.Equal(LoadingStateStyle.Comments, embed.LoadingStateStyle);
        var whisper = config.Models["whisper"];
        Assert.Null(whisper.Port);
        Assert.Equal("http://127.0.0.1:9797", whisper.Proxy);
        Assert.Equal("none", whisper.CheckEndpoint);
        Assert.Equal(TimeSpan.FromSeconds(600), whisper.Ttl);

        Assert.Equal("qwen", config.Aliases["gpt-4o-mini"]);
        Assert.Equal("qwen", config.Aliases["coder"]);
        Assert.Equal("qwen", config.Aliases["qwen:think"]);

        var routing = config.Routing;
        Assert.Equal(RouterKind.Group, routing.Router);
        Assert.Equal(
            [
                new GroupConfig { Id = "always-on", Swap = false, Exclusive = false, Persistent = true, Members = ["embed", "whisper"] },
                new GroupConfig { Id = GroupConfig.DefaultGroupId, Members = ["qwen"] },
            ],
            routing.Groups,
            GroupComparer.Instance);
        Assert.Equal(5, routing.Priorities["qwen"]);
        Assert.Equal(TimeSpan.FromSeconds(45), routing.StarvationBound);
        Assert.Null(routing.Matrix);

        Assert.Equal(["embed", "qwen"], config.Preload);

        var peer = config.Peers["openrouter"];
        Assert.Equal("https://openrouter.ai/api", peer.Proxy);
        Assert.Equal("sk-or", peer.ApiKey);
        Assert.Equal(["meta-llama/llama-3.3-70b"], peer.Models);
        Assert.Equal(["seed"], peer.Filters.StripParams);
        Assert.Equal("price", peer.Filters.SetParams["provider"].GetProperty("sort").GetString());
        Assert.Equal(TimeSpan.FromSeconds(120), peer.Timeouts.ResponseHeader);
        Assert.Equal(TimeSpan.FromSeconds(30), peer.Timeouts.IdleConnection);

        var smart = config.Selectors["smart"];
        Assert.Equal(SelectorStrategy.Spillover, smart.Strategy);
        Assert.Equal(["embed", "whisper", "openrouter/meta-llama/llama-3.3-70b"], smart.Targets);
        Assert.Equal(2, smart.Spillover);
        Assert.Equal("Smart", smart.Name);
        Assert.Equal("Local first, then the cloud", smart.Description);
        Assert.Equal("gold", smart.Metadata.GetProperty("tier").GetString());
        Assert.True(smart.Unlisted);

        var offline = config.Profiles["offline"];
        Assert.Equal("No cloud", offline.Description);
        Assert.Equal("qwen", offline.Pins["smart"]);
        Assert.Equal("", offline.Pins["meta-llama/llama-3.3-70b"]);
    }

    [Fact]
    public void LegacyTopLevelGroupsFormLoadsTheSameGroups()
    {
        var config = LoadValid(Yaml(
            "models:",
            "  a: { cmd: 's ${PORT}' }",
            "  b: { cmd: 's ${PORT}' }",
            "groups:",
            "  pair: { swap: false, exclusive: true, persistent: false, members: [a, b] }"));

        var group = Assert.Single(config.Routing.Groups);
        Assert.Equal("pair", group.Id);
        Assert.False(group.Swap);
    }

    /// <summary>GroupConfig holds an ImmutableArray, which compares by reference; compare members by content.</summary>
    private sealed class GroupComparer : IEqualityComparer<GroupConfig>
    {
        public static readonly GroupComparer Instance = new();

        public bool Equals(GroupConfig? x, GroupConfig? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Swap == y.Swap && x.Exclusive == y.Exclusive &&
            x.Persistent == y.Persistent && x.Members.SequenceEqual(y.Members);

        public int GetHashCode(GroupConfig obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
