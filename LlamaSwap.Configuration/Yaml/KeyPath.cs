namespace LlamaSwap.Configuration.Yaml;

/// <summary>Builds the dotted key paths diagnostics use: <c>models.qwen.filters.setParams</c>, <c>apiKeys[2]</c>.</summary>
internal static class KeyPath
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Index(string parent, int index) => $"{parent}[{index}]";
}
