using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Proxy.Stack;
using LlamaSwap.Tests.Rpc.Infrastructure;
using LlamaSwap.Tests.Supervisor.Component;
using Microsoft.AspNetCore.Builder;

namespace LlamaSwap.Tests.Ui;

/// <summary>
/// The real stack behind the UI: the Supervisor as its own process (spawning real simulator processes),
/// and the Proxy built by its composition methods on a loopback Kestrel port in this process, with the UI.
/// </summary>
internal sealed class UiStack : IAsyncDisposable
{
    private readonly string _directory;
    private readonly SupervisorProcess _supervisor;
    private readonly WebApplication _proxy;

    private UiStack(string directory, SupervisorProcess supervisor, WebApplication proxy)
    {
        _directory = directory;
        _supervisor = supervisor;
        _proxy = proxy;
        Address = new Uri(proxy.Urls.First());
    }

    public Uri Address { get; }

    public ProcessOutput SupervisorOutput => _supervisor.Output;

    public override string ToString() => _supervisor.ToString();

    /// <summary>
    /// A simulator model entry for <c>models:</c>; <paramref name="extra"/> is more YAML at model-key
    /// indentation (4 spaces).
    /// </summary>
    public static string Model(string id, IEnumerable<string> simulatorArgs, string extra = "")
    {
        var cmd = SimulatorProcess.ShellCommand([.. simulatorArgs, "--model", id, "--port", "${PORT}"]);
        return $"  {id}:\n    cmd: \"{cmd.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n{extra}";
    }

    /// <param name="models">Entries made with <see cref="Model"/>.</param>
    /// <param name="top">More top-level YAML (apiKeys, captureBuffer …).</param>
    public static async Task<UiStack> StartAsync(IEnumerable<string> models, string top = "")
    {
        var directory = Directory.CreateTempSubdirectory("llamaswap-ui-").FullName;
        var configPath = Path.Combine(directory, "models.yaml");
        var entries = models.ToList();
        var yaml = $"startPort: {FreePort.GetBlock(Math.Max(1, entries.Count))}\nlogLevel: info\n{top}\nmodels:\n{string.Concat(entries)}";
        await File.WriteAllTextAsync(configPath, yaml, TestContext.Current.CancellationToken);

        var supervisor = SupervisorProcess.Launch(directory, Path.Combine(directory, "state.json"));
        try
        {
            var (_, grpc) = await supervisor.WaitUntilServingAsync(TimeSpan.FromSeconds(60));
            var proxy = await ProxyStack.StartProxyAsync(configPath, grpc, new CollectingLoggerProvider());
            return new UiStack(directory, supervisor, proxy);
        }
        catch
        {
            await supervisor.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _proxy.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            await _proxy.DisposeAsync();
            // SIGTERM lets the Supervisor stop its simulators; DisposeAsync kills it only if it hangs.
            if (!_supervisor.HasExited)
            {
                ProcessSignals.Send(_supervisor.Pid, ProcessSignals.SigTerm);
                try
                {
                    await _supervisor.WaitForExitAsync(TimeSpan.FromSeconds(15));
                }
                catch (TimeoutException)
                {
                    // killed below
                }
            }
            await _supervisor.DisposeAsync();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless.
            }
        }
    }
}
