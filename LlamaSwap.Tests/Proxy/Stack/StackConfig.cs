using System.Text;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>Builds the <c>models.yaml</c> of a Proxy test stack: models that run the real simulator, plus any other sections.</summary>
internal sealed class StackConfig
{
    private readonly StringBuilder _models = new();
    private readonly StringBuilder _top = new();

    /// <summary>
    /// A model whose <c>cmd</c> runs the simulator with <paramref name="simulatorArgs"/> on <c>${PORT}</c>;
    /// <paramref name="extra"/> is more YAML for the model, indented by the caller as model keys (4 spaces).
    /// </summary>
    public StackConfig Model(string id, IEnumerable<string> simulatorArgs, string extra = "")
    {
        var cmd = SimulatorProcess.ShellCommand([.. simulatorArgs, "--port", "${PORT}"]);
        _models.Append("  ").Append(Quote(id)).Append(":\n");
        _models.Append("    cmd: ").Append(Quote(cmd)).Append('\n');
        if (extra.Length > 0)
            _models.Append(extra.TrimEnd('\n')).Append('\n');
        return this;
    }

    /// <summary>Top-level YAML (peers, profiles, selectors, apiKeys …) appended as is.</summary>
    public StackConfig Top(string yaml)
    {
        _top.Append(yaml.TrimEnd('\n')).Append('\n');
        return this;
    }

    public string ToYaml() => $"startPort: {FreePort.Get()}\nmodels:\n{_models}{_top}";

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
