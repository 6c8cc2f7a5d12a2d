using System.Diagnostics;
using System.Text.RegularExpressions;
using LlamaSwap.Benchmarks.Harness;
using LlamaSwap.Benchmarks.Scenarios.Proxy;
using LlamaSwap.Benchmarks.Scenarios.Swaps;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Benchmarks.Servers;

/// <summary>
/// LlamaSwap as a user runs it: <c>dotnet LlamaSwap.AppHost.dll --config models.yaml</c>, which
/// starts the Supervisor and the Proxy (and its dashboard) as processes of their own. The Proxy's
/// address is read from the AppHost's <c>Proxy: URL</c> line, the Supervisor's gRPC address from
/// the service-discovery variable the AppHost gives the Proxy, so the benchmark can also call the
/// Supervisor directly.
/// </summary>
internal sealed partial class LlamaSwapStack : ILlamaSwapStack
{
    public const string SupervisorGrpcVariable = "services__supervisor__grpc__0";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _appHost;
    private readonly string _directory;
    private readonly GrpcChannel _channel;

    private LlamaSwapStack(ChildProcess appHost, string directory, string proxyBaseUrl, int proxyPid, int supervisorPid, Uri supervisorAddress)
    {
        _appHost = appHost;
        _directory = directory;
        ProxyBaseUrl = proxyBaseUrl;
        ProxyPid = proxyPid;
        SupervisorPid = supervisorPid;
        _channel = GrpcChannel.ForAddress(supervisorAddress);
        Supervisor = new SupervisorClient(_channel);
    }

    public string ProxyBaseUrl { get; }

    public int AppHostPid => _appHost.Pid;

    public int ProxyPid { get; }

    public int SupervisorPid { get; }

    public SupervisorClient Supervisor { get; }

    /// <summary>The processes a request through LlamaSwap costs: the Proxy, the Supervisor (Acquire), the AppHost (log relay, telemetry).</summary>
    public IReadOnlyList<MeteredProcess> Processes =>
        [new("Proxy", ProxyPid), new("Supervisor", SupervisorPid), new("AppHost", AppHostPid)];

    public static async Task<LlamaSwapStack> StartAsync(string configYaml, RuntimeProbe? probe, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("llamaswap-bench-stack-").FullName;
        var config = Path.Combine(directory, "models.yaml");
        await File.WriteAllTextAsync(config, configYaml, cancellationToken);
        var appHost = ChildProcess.Start("LlamaSwap AppHost", Dotnet.HostPath,
            [Dotnet.Dll("LlamaSwap.AppHost"), "--config", config, "--listen", "127.0.0.1:0", "--dashboard", "127.0.0.1:0"],
            new[] { probe?.EnvironmentFor(), environment }.OfType<IReadOnlyDictionary<string, string>>().SelectMany(e => e).ToDictionary(), directory);
        try
        {
            var (_, line) = await appHost.WaitForLineAsync(l => ProxyLine().IsMatch(l), StartTimeout, cancellationToken);
            var proxyUrl = ProxyLine().Match(line).Groups["url"].Value.TrimEnd('/');
            var proxyPid = FindService(appHost.Pid, "LlamaSwap.Proxy");
            var supervisorPid = FindService(appHost.Pid, "LlamaSwap.Supervisor");
            var supervisorUrl = ReadEnvironment(proxyPid, SupervisorGrpcVariable)
                ?? throw new InvalidOperationException($"the Proxy (pid {proxyPid}) has no {SupervisorGrpcVariable} variable: cannot find the Supervisor's gRPC address");
            return new LlamaSwapStack(appHost, directory, proxyUrl, proxyPid, supervisorPid, new Uri(supervisorUrl));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
        {
            await appHost.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw new StackStartException(ex.Message.Split('\n')[0].TrimEnd('.', ':', ' '), ex);
        }
    }

    /// <summary>The AppHost's line naming the Proxy's address: <c>Proxy: URL</c> (optionally with a description before the colon).</summary>
    [GeneratedRegex(@"^\s*Proxy( \([^)]*\))?: (?<url>http://\S+)")]
    private static partial Regex ProxyLine();

    /// <summary>The AppHost's descendant whose command line names <paramref name="service"/>'s dll or executable.</summary>
    private static int FindService(int appHostPid, string service)
    {
        var matches = ProcFs.Descendants(appHostPid)
            .Where(pid => ProcFs.CommandLine(pid).Split(' ').Any(a => Path.GetFileName(a) is var name && (name == service + ".dll" || name == service)))
            .ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"expected one {service} process under the AppHost (pid {appHostPid}), found {matches.Count}");
    }

    private static string? ReadEnvironment(int pid, string name)
    {
        var prefix = name + "=";
        return File.ReadAllText($"/proc/{pid}/environ").Split('\0').FirstOrDefault(v => v.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();

        // SIGTERM first: the AppHost stops the Proxy, then the Supervisor, which stops every upstream.
        // Killing the tree is the fallback (and catches anything a stop left behind).
        ProcessSignal.Terminate(_appHost.Pid);
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (!_appHost.HasExited && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        await _appHost.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>LlamaSwap did not come up (in this build, or on this machine); the message says how far it got.</summary>
internal sealed class StackStartException(string message, Exception inner) : Exception(message, inner);
