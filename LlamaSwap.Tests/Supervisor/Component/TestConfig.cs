using System.Text;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>
/// A models.yaml whose models run the real simulator, each on its own free port (named in both <c>cmd</c> and
/// <c>proxy</c>, so tests running in parallel never share a port range).
/// </summary>
internal sealed class TestConfig
{
    private readonly StringBuilder _top = new();
    private readonly StringBuilder _models = new();
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);

    public TestConfig()
    {
        _top.Append("healthCheckTimeout: 15\n");
    }

    /// <summary>Model id → the port its simulator listens on.</summary>
    public IReadOnlyDictionary<string, int> Ports => _ports;

    /// <summary>Top-level YAML (groups, hooks, maxLoaded, …), given without indentation.</summary>
    public TestConfig With(string yaml)
    {
        _top.Append(yaml.TrimEnd()).Append('\n');
        return this;
    }

    /// <param name="flags">Simulator flags beyond <c>--port</c> and <c>--model</c>.</param>
    /// <param name="settings">Further model keys, one per line, without indentation (<c>ttl: 1</c>).</param>
    public TestConfig Model(string id, string[]? flags = null, string? settings = null, int? port = null)
    {
        var listen = _ports.TryGetValue(id, out var existing) ? existing : port ?? FreePort.Get();
        _ports[id] = listen;
        _models.Append($"  {id}:\n");
        _models.Append($"    cmd: {Command(id, listen, flags ?? [])}\n");
        _models.Append($"    proxy: http://127.0.0.1:{listen}\n");
        foreach (var line in (settings ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            _models.Append($"    {line}\n");
        return this;
    }

    public string Build() => $"{_top}models:\n{_models}";

    public override string ToString() => Build();

    /// <summary>The simulator command line for a model, as its <c>cmd</c>.</summary>
    public static string Command(string modelId, int port, IEnumerable<string> flags) =>
        SimulatorProcess.ShellCommand(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--model", modelId, .. flags]);
}
