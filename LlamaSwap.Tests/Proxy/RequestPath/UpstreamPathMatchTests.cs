using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Proxy.Routing;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class UpstreamPathMatchTests
{
    private static readonly RoutingTable Table = new(TestConfigs.Load("""
        models:
          author/model: { cmd: "sim --port ${PORT}", aliases: [short] }
          author: { cmd: "sim --port ${PORT}" }
          m1: { cmd: "sim --port ${PORT}" }
        peers:
          p: { proxy: "http://127.0.0.1:9", models: [org/remote] }
        profiles:
          work: { pins: { "fast": m1, "author/model": "" } }
        """));

    [Theory]
    [InlineData("author/model/v1/chat/completions", "author/model", "/v1/chat/completions")]
    [InlineData("author%2Fmodel/v1/x%2Fy", "author/model", "/v1/x%2Fy")]
    [InlineData("author/other/path", "author", "/other/path")]
    [InlineData("short/", "short", "/")]
    [InlineData("p/org/remote/props", "p/org/remote", "/props")]
    [InlineData("m1/a//b", "m1", "/a//b")]
    public void TakesTheLongestModelPrefixAndKeepsTheRestEncoded(string raw, string name, string remainder)
    {
        var match = UpstreamPathMatch.Find(raw, Table, null, out _);

        Assert.NotNull(match);
        Assert.Equal(name, match.Name);
        Assert.Equal(remainder, match.RemainderRaw);
    }

    [Theory]
    [InlineData("m1")]
    [InlineData("author%2Fmodel")]
    public void APathThatIsOnlyTheModelNeedsATrailingSlash(string raw)
    {
        var match = UpstreamPathMatch.Find(raw, Table, null, out _);

        Assert.True(match!.NeedsTrailingSlash);
        Assert.Equal(raw, match.ModelSegmentsRaw);
    }

    [Theory]
    [InlineData("nope/v1")]
    [InlineData("")]
    [InlineData("m2/x")]
    public void UnknownModelsDoNotMatch(string raw) => Assert.Null(UpstreamPathMatch.Find(raw, Table, null, out _));

    [Fact]
    public void ProfilePinsRewriteThePrefixAndCanDisableAName()
    {
        var profile = Table.Config.Profiles["work"];

        var pinned = UpstreamPathMatch.Find("fast/health", Table, profile, out _);
        var disabled = UpstreamPathMatch.Find("author/model/health", Table, profile, out var disabledName);

        Assert.Equal("m1", pinned!.Name);
        Assert.Equal("/health", pinned.RemainderRaw);
        Assert.Null(disabled);
        Assert.Equal("author/model", disabledName);
    }
}
