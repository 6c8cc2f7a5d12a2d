using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Simulator;

/// <summary>One fast simulator process shared by the tests of a class that only send requests to it.</summary>
public sealed class SharedSimulatorFixture : IAsyncLifetime
{
    public const string Model = "shared-sim";
    public const int MaxTokens = 8;
    public const string EnvironmentMarker = "LLAMASWAP_SIMULATOR_TEST_MARKER";

    private SimulatorProcess? _simulator;

    public SimulatorProcess Simulator => _simulator ?? throw new InvalidOperationException("not initialised");

    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorProcess.StartAsync(
            ["--model", Model, "--tokens-per-second", "2000", "--max-tokens", MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { [EnvironmentMarker] = "marker-value" });
        Client = _simulator.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_simulator is not null)
            await _simulator.DisposeAsync();
    }
}
