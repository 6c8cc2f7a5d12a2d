namespace LlamaSwap.Configuration.Macros;

using LlamaSwap.Configuration.Yaml;

/// <summary>A declared macro: its name and typed value (string, int, float or bool).</summary>
internal sealed record Macro(string Name, YamlScalar Value)
{
    public const string Port = "PORT";
    public const string ModelId = "MODEL_ID";
    public const string Pid = "PID";

    public string Slug => $"${{{Name}}}";

    public static string SlugOf(string name) => $"${{{name}}}";
}
