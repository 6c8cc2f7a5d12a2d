using System.Globalization;
using System.Text.RegularExpressions;
using LlamaSwap.Benchmarks.Harness;

namespace LlamaSwap.Benchmarks.Servers;

/// <summary>One <c>LlamaSwap.Simulator</c> process, ready (loaded) when <see cref="StartAsync"/> returns.</summary>
internal sealed partial class SimulatorServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private SimulatorServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Pid;

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The simulator command line for <paramref name="arguments"/> (e.g. for a model's <c>cmd</c>).</summary>
    public static IReadOnlyList<string> CommandLine(IEnumerable<string> arguments) => [Dotnet.HostPath, Dotnet.Dll("LlamaSwap.Simulator"), .. arguments];

    /// <summary>
    /// Starts a simulator with no load time on a free port; <paramref name="tokensPerSecond"/> 0 means as fast as it can.
    /// </summary>
    public static async Task<SimulatorServer> StartAsync(string model, double tokensPerSecond, int maxTokens, RuntimeProbe? probe, CancellationToken cancellationToken)
    {
        var process = ChildProcess.Start($"simulator {model}", Dotnet.HostPath,
            [Dotnet.Dll("LlamaSwap.Simulator"), "--port", "0", "--model", model, "--load-time", "0",
             "--tokens-per-second", tokensPerSecond.ToString(CultureInfo.InvariantCulture), "--max-tokens", maxTokens.ToString(CultureInfo.InvariantCulture), "--quiet"],
            probe?.EnvironmentFor());
        try
        {
            var (_, line) = await process.WaitForLineAsync(l => ListeningLine().IsMatch(l), TimeSpan.FromSeconds(30), cancellationToken);
            var port = int.Parse(ListeningLine().Match(line).Groups["port"].Value, CultureInfo.InvariantCulture);
            var server = new SimulatorServer(process, port);
            await server.WaitUntilHealthyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await client.GetAsync(new Uri(BaseUrl + "/health"), deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }

    [GeneratedRegex(@"listening on http://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
