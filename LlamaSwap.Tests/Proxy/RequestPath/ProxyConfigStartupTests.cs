using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Proxy.Resolution;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class ProxyConfigStartupTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("llamaswap-proxy-config-");

    private IConfiguration Settings(string yaml)
    {
        var path = Path.Combine(_directory.FullName, "models.yaml");
        File.WriteAllText(path, yaml);
        return new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ConfigSourceSettings.FileKey] = path }).Build();
    }

    [Fact]
    public void AnInvalidConfigurationStopsStartupListingEveryErrorWithItsPosition()
    {
        var settings = Settings("""
            models:
              m1:
                cmd: "sim --port ${PORT}"
                ttl: -5
              m2:
                proxy: "not a url"
            """);

        var error = Assert.Throws<ProxyStartupException>(() => ProxyConfigStartup.Load(settings));

        Assert.Contains("invalid configuration", error.Message, StringComparison.Ordinal);
        Assert.Contains("models.yaml:4:10 models.m1.ttl", error.Message, StringComparison.Ordinal);
        Assert.Contains("models.m2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReloadReplacesTheConfigurationAndResetsTheActiveProfile()
    {
        using var startup = ProxyConfigStartup.Load(Settings("""
            models:
              m1: { cmd: "sim --port ${PORT}" }
            profiles:
              p: { pins: { x: m1 } }
            """));
        var profile = new ActiveProfile();
        var provider = new ProxyConfigProvider(startup, profile, NullLogger<ProxyConfigProvider>.Instance);
        profile.Set("p");
        LlamaSwapConfig? seen = null;
        provider.Changed += config => seen = config;
        provider.Changed += _ => throw new InvalidOperationException("a broken subscriber");
        var next = TestConfigs.Load("models:\n  m2: { cmd: \"sim --port ${PORT}\" }\n");

        provider.Apply(next);

        Assert.Same(next, provider.Current);
        Assert.Same(next, seen);
        Assert.Equal(2, provider.Generation);
        Assert.Null(profile.Name);
        await provider.StopAsync(TestContext.Current.CancellationToken);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
