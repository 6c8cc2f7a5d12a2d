using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class PeersTests
{
    [Fact]
    public void PeerIsDecodedWithItsOwnTimeoutDefaults()
    {
        var peer = LoadValid(Yaml(
            "peers:",
            "  openrouter:",
            "    proxy: https://openrouter.ai/api",
            "    apiKey: sk-123",
            "    models: [meta/llama-3, qwen/qwen3, meta/llama-3]",
            "    filters: { stripParams: 'b, a', setParams: { provider: { sort: price } } }")).Peers["openrouter"];

        Assert.Equal("openrouter", peer.Id);
        Assert.Equal("https://openrouter.ai/api", peer.Proxy);
        Assert.Equal("sk-123", peer.ApiKey);
        Assert.Equal(["meta/llama-3", "qwen/qwen3"], peer.Models);
        Assert.Equal(["a", "b"], peer.Filters.StripParams);
        Assert.Equal("price", peer.Filters.SetParams["provider"].GetProperty("sort").GetString());
        Assert.Equal(TimeSpan.FromSeconds(60), peer.Timeouts.ResponseHeader);
        Assert.Equal(TimeSpan.FromSeconds(30), peer.Timeouts.Connect);
    }

    [Fact]
    public void PeerTimeoutsCanBeSet() =>
        Assert.Null(LoadValid(Yaml("peers:", "  p: { proxy: 'http://p', models: [m], timeouts: { responseHeader: 0 } }"))
            .Peers["p"].Timeouts.ResponseHeader);

    [Theory]
    [InlineData("  p: { models: [m] }", "models.yaml:2:6 peers.p.proxy: proxy is required")]
    [InlineData("  p: { proxy: 'nope', models: [m] }", "models.yaml:2:15 peers.p.proxy: invalid peer proxy URL (\"nope\": need an absolute http:// or https:// URL)")]
    [InlineData("  p: { proxy: 'http://p' }", "models.yaml:2:6 peers.p.models: peer models can not be empty")]
    [InlineData("  p: { proxy: 'http://p', models: [] }", "models.yaml:2:35 peers.p.models: peer models can not be empty")]
    [InlineData("  p: { proxy: 'http://p', models: [m], filters: { setParamsByID: { x: {} } } }", "models.yaml:2:51 peers.p.filters.setParamsByID: unknown key 'setParamsByID' (did you mean 'setParams'?)")]
    public void InvalidPeers(string line, string expected)
    {
        var result = Load(Yaml("peers:", line));

        Assert.Contains(result.Diagnostics, d => d.ToString() == expected);
    }

    [Fact]
    public void AmbiguousFullNamesAreAnError() =>
        AssertError(Yaml(
            "peers:",
            "  a: { proxy: 'http://a', models: [b/c] }",
            "  a/b: { proxy: 'http://ab', models: [c] }"),
            "models.yaml:3:39 peers.a/b.models[0]: peer model name \"a/b/c\" is ambiguous: peers a (model b/c) and a/b (model c) both produce it");

    [Theory]
    [InlineData("models:\n  p/m: { cmd: 's ${PORT}' }", "local model ID \"p/m\" conflicts with fully qualified peer model name")]
    [InlineData("models:\n  x: { cmd: 's ${PORT}', aliases: [p/m] }", "alias \"p/m\" of model x conflicts with fully qualified peer model name")]
    [InlineData("models:\n  x: { cmd: 's ${PORT}', filters: { setParamsByID: { p/m: { a: 1 } } } }", "alias \"p/m\" of model x conflicts with fully qualified peer model name")]
    [InlineData("selectors:\n  p/m: { strategy: pin, targets: [q] }", "selector ID \"p/m\" conflicts with fully qualified peer model name")]
    [InlineData("profiles:\n  fast: { pins: { p/m: q } }", "profile pin name \"p/m\" conflicts with fully qualified peer model name")]
    public void FullNamesMustNotShadowLocalNames(string other, string message) =>
        AssertError(Yaml("peers:", "  p: { proxy: 'http://p', models: [m, q] }", other), $"models.yaml:2:36 peers.p.models[0]: {message}");
}
