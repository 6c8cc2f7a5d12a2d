using System.Globalization;
using System.Text;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>
/// Builds the <c>models.yaml</c> of a Proxy test stack, read by both the Proxy and the Supervisor. A model
/// either runs the real simulator on a port of its own, or is an external upstream: a placeholder process
/// (<c>sleep</c>) whose <c>proxy</c> points at a server the test runs, so many model ids can share one
/// upstream while the Supervisor still starts, checks and stops a process for each.
/// </summary>
internal sealed class StackConfig
{
    private readonly StringBuilder _models = new();
    private readonly StringBuilder _top = new("healthCheckTimeout: 15\n");
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);

    /// <summary>
    /// A model whose <c>cmd</c> runs the simulator with <paramref name="simulatorArgs"/>; <paramref name="extra"/>
    /// is more YAML for the model, indented by the caller as model keys (4 spaces).
    /// </summary>
    public StackConfig Model(string id, IEnumerable<string> simulatorArgs, string extra = "")
    {
        var port = FreePort.Get();
        _ports[id] = port;
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return Entry(id, SimulatorProcess.ShellCommand([.. simulatorArgs, "--port", portText]), $"http://127.0.0.1:{portText}", extra);
    }

    /// <summary>A model served by an upstream the test runs at <paramref name="baseUrl"/>.</summary>
    public StackConfig External(string id, string baseUrl, string extra = "") => Entry(id, "sleep 3600", baseUrl, extra);

    /// <summary>An endpoint model: no <c>cmd</c>, only the URL of a server the test runs; the Proxy alone serves it.</summary>
    public StackConfig Endpoint(string id, string baseUrl, string extra = "") => Entry(id, null, baseUrl, extra, urlKey: "endpoint");

    /// <summary>Top-level YAML (peers, profiles, selectors, apiKeys …) appended as is.</summary>
    public StackConfig Top(string yaml)
    {
        _top.Append(yaml.TrimEnd('\n')).Append('\n');
        return this;
    }

    /// <summary>The port a simulator model listens on.</summary>
    public int Port(string id) => _ports[id];

    public string ToYaml() => $"{_top}models:\n{_models}";

    public override string ToString() => ToYaml();

    private StackConfig Entry(string id, string? cmd, string url, string extra, string urlKey = "proxy")
    {
        _models.Append("  ").Append(Quote(id)).Append(":\n");
        if (cmd is not null)
            _models.Append("    cmd: ").Append(Quote(cmd)).Append('\n');
        _models.Append("    ").Append(urlKey).Append(": ").Append(Quote(url)).Append('\n');
        if (extra.Length > 0)
            _models.Append(extra.TrimEnd('\n')).Append('\n');
        return this;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
