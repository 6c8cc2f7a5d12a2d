using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using LlamaSwap.AppHost.Cli;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

/// <summary>
/// The real AppHost as a user runs it: <c>dotnet LlamaSwap.AppHost.dll --config … --listen 127.0.0.1:0
/// --dashboard 127.0.0.1:0</c>, with fixed dashboard secrets. The URLs are read from the lines it prints.
/// Disposing sends SIGTERM and, should anything survive the shutdown bound, kills what the AppHost started.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    public const string BrowserToken = "apphost-test-token";
    public const string OtlpApiKey = "apphost-test-otlp-key";
    /// <summary>Proxy drain (10 s) + Supervisor stop (20 s) + the dashboard, with room for a loaded machine.</summary>
    public static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(40);

    private readonly Process _process;
    private readonly string _directory;
    private readonly HashSet<int> _seenPids = [];

    private AppHostProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public int Pid => _process.Id;
    public ProcessOutput Output { get; } = new();
    public ProcessOutput ErrorOutput { get; } = new();
    public Uri DashboardUrl { get; private set; } = null!;
    public string LoginUrl { get; private set; } = "";
    public Uri ProxyUrl { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    /// <summary>A models.yaml whose models run the simulator; <paramref name="models"/> are model ids.</summary>
    /// <summary>Simulator models on <c>${PORT}</c>, from a block of ports no other test uses (stacks run side by side).</summary>
    public static string SimulatorConfig(params string[] models) =>
        $"healthCheckTimeout: 30\nstartPort: {FreePort.GetBlock(models.Length)}\nmodels:\n" + string.Concat(models.Select(m =>
            $"  {m}:\n    cmd: {DotnetHost.Path} {SimulatorProcess.DllPath} --port ${{PORT}} --model {m} --load-time 200ms\n"));

    public static async Task<AppHostProcess> StartAsync(string configYaml, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("llamaswap-apphost-").FullName;
        var config = Path.Combine(directory, "models.yaml");
        await File.WriteAllTextAsync(config, configYaml, TestContext.Current.CancellationToken);

        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "LlamaSwap.AppHost.dll"), "--config", config, "--listen", "127.0.0.1:0", "--dashboard", "127.0.0.1:0" })
            start.ArgumentList.Add(arg);
        start.Environment["DASHBOARD__FRONTEND__BROWSERTOKEN"] = BrowserToken;
        start.Environment["DASHBOARD__OTLP__PRIMARYAPIKEY"] = OtlpApiKey;
        // The Supervisor records its upstreams for its successor's leftover reaper; a test's own file keeps
        // AppHosts running side by side from reaping each other's upstreams.
        start.Environment["LlamaSwap__StateFile"] = Path.Combine(directory, "upstreams.state");
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new AppHostProcess(process, directory);
        process.OutputDataReceived += (_, e) => { if (e.Data is null) host.Output.Complete(); else host.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is null) host.ErrorOutput.Complete(); else host.ErrorOutput.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var dashboardLine = await host.Output.WaitForLineAsync(l => l.StartsWith(RunCommand.DashboardLinePrefix, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            host.LoginUrl = dashboardLine[RunCommand.DashboardLinePrefix.Length..];
            host.DashboardUrl = new Uri(new Uri(host.LoginUrl), "/");
            host.Api = new HttpClient { BaseAddress = host.DashboardUrl, Timeout = TimeSpan.FromSeconds(30) };
            host.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BrowserToken);
            var proxyLine = await host.Output.WaitForLineAsync(l => l.StartsWith(RunCommand.ProxyLinePrefix, StringComparison.Ordinal), TimeSpan.FromSeconds(90));
            host.ProxyUrl = new Uri(proxyLine[RunCommand.ProxyLinePrefix.Length..]);
        }
        catch
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"the AppHost did not start; stdout:\n{host.Output}\nstderr:\n{host.ErrorOutput}");
        }
        await host.RememberPidsAsync();
        return host;
    }

    /// <summary>The resource list from the dashboard's API, keyed by name.</summary>
    public async Task<Dictionary<string, JsonElement>> ResourcesAsync()
    {
        var resources = (await Api.GetJsonAsync("/api/resources")).EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        foreach (var r in resources.Values)
        {
            if (r.GetProperty("pid").ValueKind == JsonValueKind.Number)
                _seenPids.Add(r.GetProperty("pid").GetInt32());
        }
        return resources;
    }

    /// <summary>Waits until the named resource's snapshot satisfies <paramref name="predicate"/>.</summary>
    public async Task<JsonElement> WaitForResourceAsync(string name, Func<JsonElement, bool> predicate, TimeSpan? timeout = null)
    {
        var all = await Api.WaitForJsonAsync("/api/resources", list => list.EnumerateArray().Any(r => r.GetProperty("name").GetString() == name && predicate(r)), timeout ?? TimeSpan.FromSeconds(60));
        await RememberPidsAsync();
        return all.EnumerateArray().First(r => r.GetProperty("name").GetString() == name && predicate(r));
    }

    /// <summary>Every process id the AppHost reported for any resource while the test watched.</summary>
    public IReadOnlyCollection<int> SeenPids => _seenPids;

    public Task RememberPidsAsync() => ResourcesAsync();

    public bool Signal(int signal) => ProcessSignals.Send(Pid, signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ProcessSignals.Send(Pid, ProcessSignals.SigTerm);
            try
            {
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(ShutdownBound);
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        // The services run in their own sessions: make sure none outlives a failed test.
        foreach (var pid in _seenPids.Where(ProcessTable.IsAlive))
            ProcessSignals.Send(pid, ProcessSignals.SigKill);
        Api?.Dispose();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A service may still be writing there as it dies.
        }
    }
}
