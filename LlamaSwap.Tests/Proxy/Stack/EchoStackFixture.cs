using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>
/// One Proxy stack whose local models all run the same simulator arguments (so they share one simulator
/// process), plus a second simulator acting as a remote peer. Models differ only in their Proxy-side
/// settings: aliases, useModelName, filters, ids with slashes; selectors, a profile and peers complete it.
/// </summary>
public sealed class EchoStackFixture : IAsyncLifetime
{
    internal static readonly string[] SimulatorArgs = ["--model", "echo-sim", "--tokens-per-second", "0", "--max-tokens", "3"];

    internal SimulatorProcess Peer { get; private set; } = null!;

    internal ProxyStack Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Peer = await SimulatorProcess.StartAsync(["--model", "peer-sim", "--tokens-per-second", "0", "--max-tokens", "3"],
            cancellationToken: TestContext.Current.CancellationToken);
        var config = new StackConfig()
            .Model("plain", SimulatorArgs)
            .Model("author/model", SimulatorArgs)
            .Model("aliased", SimulatorArgs, "    aliases: [alias-one]")
            .Model("renamed", SimulatorArgs, "    useModelName: upstream-name")
            .Model("stripper", SimulatorArgs, "    filters: { stripParams: \"temperature, top_p\" }")
            .Model("setter", SimulatorArgs, "    filters: { setParams: { temperature: 0.5, \"chat_template_kwargs.enable_thinking\": false } }")
            .Model("byid", SimulatorArgs, "    filters: { setParamsByID: { \"byid:high\": { reasoning_effort: high } } }")
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
    }
}
