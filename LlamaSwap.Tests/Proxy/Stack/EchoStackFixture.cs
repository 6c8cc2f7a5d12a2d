using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>
/// One Proxy stack with the real Supervisor whose local models all forward to one simulator the fixture
/// runs (each model's own process is a placeholder the Supervisor starts and stops), plus a second
/// simulator acting as a remote peer. Models differ only in their Proxy-side settings: aliases,
/// useModelName, filters, ids with slashes; selectors, a profile and peers complete it.
/// </summary>
public sealed class EchoStackFixture : IAsyncLifetime
{
    internal static readonly string[] SimulatorArgs = ["--model", "echo-sim", "--tokens-per-second", "0", "--max-tokens", "3"];

    /// <summary>The upstream of every local model.</summary>
    internal SimulatorProcess Echo { get; private set; } = null!;

    internal SimulatorProcess Peer { get; private set; } = null!;

    internal ProxyStack Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Echo = await SimulatorProcess.StartAsync(SimulatorArgs, cancellationToken: TestContext.Current.CancellationToken);
        Peer = await SimulatorProcess.StartAsync(["--model", "peer-sim", "--tokens-per-second", "0", "--max-tokens", "3"],
            cancellationToken: TestContext.Current.CancellationToken);
        var echo = Echo.BaseUrl;
        var config = new StackConfig()
            .External("plain", echo)
            .External("author/model", echo)
            .External("aliased", echo, "    aliases: [alias-one]")
            .External("renamed", echo, "    useModelName: upstream-name")
            .External("stripper", echo, "    filters: { stripParams: \"temperature, top_p\" }")
            .External("setter", echo, "    filters: { setParams: { temperature: 0.5, \"chat_template_kwargs.enable_thinking\": false } }")
            .External("byid", echo, "    filters: { setParamsByID: { \"byid:high\": { reasoning_effort: high } } }")
            .Top($$"""
                peers:
                  p1:
                    proxy: "{{Peer.BaseUrl}}"
                    apiKey: peer-key
                    models: [remote-a, "org/remote-b"]
                    filters: { setParams: { peer_flag: true } }
                  p2:
                    proxy: "{{Peer.BaseUrl}}/api"
                    models: [remote-c]
                selectors:
                  sel-pin: { strategy: pin, targets: [alias-one, plain] }
                  sel-peer: { strategy: pin, targets: [p1/remote-a] }
                profiles:
                  prof:
                    pins: { virtual: plain, renamed: "", via-peer: "p1/remote-a", via-selector: sel-pin }
                """);
        Stack = await ProxyStack.StartAsync(config);
    }

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null)
            await Stack.DisposeAsync();
        if (Peer is not null)
            await Peer.DisposeAsync();
        if (Echo is not null)
            await Echo.DisposeAsync();
    }
}
