using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Hosting;

namespace LlamaSwap.Tests.Proxy.Management;

/// <summary>The configuration in force for a test: loaded from YAML, replaced with <see cref="Reload"/>.</summary>
internal sealed class TestConfigProvider(LlamaSwapConfig initial) : IProxyConfigProvider
{
    private LlamaSwapConfig _current = initial;

    public LlamaSwapConfig Current => _current;

    public long Generation { get; private set; } = 1;

    public event Action<LlamaSwapConfig>? Changed;

    public static LlamaSwapConfig Load(string yaml)
    {
        var result = ConfigLoader.LoadText(yaml, "models.yaml", new Dictionary<string, string>());
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Config;
    }

    public void Reload(LlamaSwapConfig config)
    {
        _current = config;
        Generation++;
        Changed?.Invoke(config);
    }
}
