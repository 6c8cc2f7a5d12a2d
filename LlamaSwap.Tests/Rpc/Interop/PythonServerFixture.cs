using System.Text.Json;
using LlamaSwap.Rpc.Client;

namespace LlamaSwap.Tests.Rpc.Interop;

/// <summary>One python3-grpcio server for a test class, and our channel to it.</summary>
public sealed class PythonServerFixture : IAsyncLifetime
{
    private PythonProcess? _python;

    internal PythonProcess Python => _python ?? throw new InvalidOperationException("The python server has not started.");

    public GrpcChannel Channel { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _python = PythonProcess.Start(PythonGrpcScripts.Server);
        var started = await _python.ReadJsonWithAsync("port");
        Channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{started.GetProperty("port").GetInt32()}"));
    }

    /// <summary>Waits for the server's report that the waiting call tagged <paramref name="tag"/> ended.</summary>
    internal async Task<JsonElement> WhenTerminatedAsync(string tag)
    {
        while (true)
        {
            var line = await Python.ReadJsonWithAsync("terminated");
            if (line.GetProperty("terminated").GetString() == tag)
            {
                return line;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel?.Dispose();
        if (_python is not null)
        {
            await _python.DisposeAsync();
        }
    }
}
