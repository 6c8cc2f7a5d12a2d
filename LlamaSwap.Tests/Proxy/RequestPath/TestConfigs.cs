using LlamaSwap.Configuration;

namespace LlamaSwap.Tests.Proxy.RequestPath;

internal static class TestConfigs
{
    /// <summary>Loads YAML that must be valid; fails the test with every error otherwise.</summary>
    public static LlamaSwapConfig Load(string yaml)
    {
        var result = ConfigLoader.LoadText(yaml);
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        return result.Config;
    }
}
