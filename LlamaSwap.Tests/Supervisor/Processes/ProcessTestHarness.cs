using System.Net;
using System.Net.Sockets;
using System.Text;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Logs;
using LlamaSwap.Supervisor.Processes;
using LlamaSwap.Supervisor.Processes.Leftovers;
using LlamaSwap.Supervisor.Processes.Native;
using LlamaSwap.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaSwap.Tests.Supervisor.Processes;

/// <summary>
/// Real processes for one test: a factory with short timings, a temporary state file, and cleanup that kills anything
/// a failing test left running.
/// </summary>
internal sealed class ProcessTestHarness : IAsyncDisposable
{
    /// <summary>Upper bound for any single wait in these tests.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly List<IUpstreamProcess> _processes = [];

    public ProcessTestHarness(Func<UpstreamProcessOptions, UpstreamProcessOptions>? configure = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("llamaswap-proc-test-").FullName;
        var options = new UpstreamProcessOptions
        {
            StateFilePath = Path.Combine(Directory, "state", "upstreams.json"),
            StartAbortGracePeriod = TimeSpan.FromSeconds(2),
            PipeDrainTimeout = TimeSpan.FromSeconds(2),
        };
        Options = configure?.Invoke(options) ?? options;
        StateFile = new UpstreamStateFile(Options.StateFilePath);
        Registry = new RunningUpstreamRegistry(StateFile, NullLogger<RunningUpstreamRegistry>.Instance);
        var health = UpstreamReadinessProbe.CreateHttpClient();
        Services = new UpstreamProcessServices(
            Options,
            new SystemProcessLauncher(),
            Logs,
            Registry,
            new UpstreamReadinessProbe(health, TimeProvider.System, Options),
            TimeProvider.System,
            NullLoggerFactory.Instance,
            TestCommandLine.Split);
        Factory = new UpstreamProcessFactory(Services);
    }

    public string Directory { get; }

    public UpstreamProcessOptions Options { get; }

    public UpstreamLogHub Logs { get; } = new();

    public UpstreamStateFile StateFile { get; }

    public RunningUpstreamRegistry Registry { get; }

    public UpstreamProcessServices Services { get; }

    public UpstreamProcessFactory Factory { get; }

    public static ModelConfig Model(string id, int port, string cmd) => new()
    {
        Id = id,
        Cmd = cmd,
        Proxy = $"http://127.0.0.1:{port}",
        Port = port,
        HealthCheckTimeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>A model running the fake upstream on a free port.</summary>
    public static ModelConfig FakeModel(string id, params string[] flags)
    {
        var port = FreePort.Get();
        return Model(id, port, FakeUpstream.Command(port, id, flags));
    }

    public IUpstreamProcess Create(ModelConfig model)
    {
        var process = Factory.Create(model);
        _processes.Add(process);
        return process;
    }

    public string LogText(string modelId) => Encoding.UTF8.GetString(Logs.GetHistory(modelId));

    /// <summary>True when nothing listens on the port and a new listener can bind it.</summary>
    public static bool PortIsFree(int port)
    {
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                client.Connect(IPAddress.Loopback, port);
                return false;
            }
            catch (SocketException)
            {
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits (event-driven, bounded) until a model's output satisfies <paramref name="predicate"/>; returns the output so far.</summary>
    public async Task<string> WaitForLog(string modelId, Func<string, bool> predicate)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(Bound);
        var text = new StringBuilder();
        try
        {
            await foreach (var chunk in Logs.Subscribe(modelId, includeHistory: true).WithCancellation(cancel.Token))
            {
                text.Append(Encoding.UTF8.GetString(chunk.Data.Span));
                if (predicate(text.ToString()))
                {
                    return text.ToString();
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        Assert.Fail($"model {modelId} never wrote the expected output; it wrote:\n{text}");
        return "";
    }

    /// <summary>The integer printed after <paramref name="prefix"/> in a model's output, once it appears.</summary>
    public async Task<int> WaitForNumberAfter(string modelId, string prefix)
    {
        var text = await WaitForLog(modelId, t => System.Text.RegularExpressions.Regex.IsMatch(t, System.Text.RegularExpressions.Regex.Escape(prefix) + @"\d+\D"));
        var match = System.Text.RegularExpressions.Regex.Match(text, System.Text.RegularExpressions.Regex.Escape(prefix) + @"(\d+)");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static bool IsAlive(int pid) => ProcessGroup.IsProcessAlive(pid);

    /// <summary>Polls (bounded) for a condition that another process brings about, such as a forked child appearing.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
