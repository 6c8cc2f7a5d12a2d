using LlamaSwap.Benchmarks.Harness;

namespace LlamaSwap.Benchmarks.Scenarios.Proxy;

/// <summary>A process whose resources a target is charged with.</summary>
internal sealed record MeteredProcess(string Role, int Pid);

/// <summary>
/// One way of reaching the simulators: directly, through nginx, through LlamaSwap. Either
/// usable (two chat completion URLs: the as-fast-as-possible upstream and the paced one) or
/// unavailable with the reason.
/// </summary>
internal sealed class ProxyTarget(string name, Uri? fastUrl, Uri? pacedUrl, IReadOnlyList<MeteredProcess> processes, string status)
{
    public string Name { get; } = name;

    public Uri? FastUrl { get; } = fastUrl;

    public Uri? PacedUrl { get; } = pacedUrl;

    public IReadOnlyList<MeteredProcess> Processes { get; } = processes;

    /// <summary>"measured", or why not ("not installed", …).</summary>
    public string Status { get; } = status;

    public bool Available => FastUrl is not null;

    public ChatClient Client { get; } = new();

    public static ProxyTarget Reachable(string name, string fastBase, string pacedBase, IReadOnlyList<MeteredProcess> processes) =>
        new(name, new Uri(fastBase + "/v1/chat/completions"), new Uri(pacedBase + "/v1/chat/completions"), processes, "measured");

    public static ProxyTarget Unavailable(string name, string reason) => new(name, null, null, [], reason);

    /// <summary>Fresh resource accounts for the target's processes, for one phase.</summary>
    public List<ResourceAccount> Accounts(RuntimeProbe? probe) => [.. Processes.Select(p => new ResourceAccount(p.Role, p.Pid, probe))];
}
