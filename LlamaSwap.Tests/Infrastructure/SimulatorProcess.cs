using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>
/// The real <c>LlamaSwap.Simulator</c> running as a child process (<c>dotnet LlamaSwap.Simulator.dll …</c>),
/// with its stdout and stderr captured line by line. Disposing it kills the whole process tree, including a
/// <c>--fork-child</c> grandchild it announced.
/// </summary>
/// <example>
/// <code>
/// await using var simulator = await SimulatorProcess.StartAsync(["--model", "m1", "--load-time", "200ms"]);
/// using var client = simulator.CreateClient();
/// var response = await client.GetAsync("/v1/models");
/// </code>
/// </example>
public sealed partial class SimulatorProcess : IAsyncDisposable
{
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Task _readers;
    private readonly List<int> _announcedChildren = [];
    private int _port;

    private SimulatorProcess(Process process)
    {
        _process = process;
        Pid = process.Id;
        _readers = Task.WhenAll(
            PumpAsync(process.StandardOutput, Output, OnStdoutLine),
            PumpAsync(process.StandardError, ErrorOutput, static _ => { }));
    }

    /// <summary>The simulator's dll, copied next to the test assembly by the project reference.</summary>
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "LlamaSwap.Simulator.dll");

    /// <summary>
    /// The command that runs the simulator with <paramref name="arguments"/>: the <c>dotnet</c> host, the dll,
    /// then the arguments — e.g. for a Supervisor test's model <c>cmd</c>.
    /// </summary>
    public static IReadOnlyList<string> CommandLine(IEnumerable<string> arguments) => [DotnetHost.Path, DllPath, .. arguments];

    /// <summary><see cref="CommandLine"/> as one shell-quoted string.</summary>
    public static string ShellCommand(IEnumerable<string> arguments) =>
        string.Join(' ', CommandLine(arguments).Select(ShellQuote));

    public int Pid { get; }

    /// <summary>Everything the simulator wrote to stdout (its log).</summary>
    public ProcessOutput Output { get; } = new();

    /// <summary>Everything the simulator wrote to stderr (usage errors).</summary>
    public ProcessOutput ErrorOutput { get; } = new();

    /// <summary>The port the simulator listens on; known once its "listening on" line was seen.</summary>
    public int Port => _port != 0 ? _port : throw new InvalidOperationException("the simulator has not reported its port yet; await WaitUntilListeningAsync first");

    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    /// <summary>The base URL without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl => BaseUri.ToString().TrimEnd('/');

    public bool HasExited => _process.HasExited;

    /// <summary>Process ids of grandchildren the simulator announced (<c>--fork-child</c>).</summary>
    public IReadOnlyList<int> AnnouncedChildren
    {
        get
        {
            lock (_announcedChildren)
                return [.. _announcedChildren];
        }
    }

    /// <summary>
    /// Starts the simulator without waiting for anything. Adds <c>--port 0</c> (the simulator picks a free
    /// port and logs it) unless the arguments name a port.
    /// </summary>
    public static SimulatorProcess Launch(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var args = arguments.ToList();
        if (!args.Any(a => a == "--port" || a.StartsWith("--port=", StringComparison.Ordinal)))
            args.InsertRange(0, ["--port", "0"]);
        if (!File.Exists(DllPath))
            throw new FileNotFoundException($"the simulator was not found next to the tests; is LlamaSwap.Simulator referenced?", DllPath);

        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the simulator process");
        return new SimulatorProcess(process);
    }

    /// <summary>Starts the simulator and waits until it listens and <c>/health</c> answers 200.</summary>
    public static async Task<SimulatorProcess> StartAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var simulator = Launch(arguments, environment);
        try
        {
            await simulator.WaitUntilListeningAsync(timeout, cancellationToken);
            await simulator.WaitUntilHealthyAsync(timeout, cancellationToken);
            return simulator;
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the <c>listening on http://…:PORT</c> line and returns the port.</summary>
    public async Task<int> WaitUntilListeningAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var line = await Output.WaitForLineAsync(line => ListeningLine().IsMatch(line), timeout, cancellationToken: cancellationToken);
        return int.Parse(ListeningLine().Match(line).Groups["port"].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Polls <c>/health</c> until it answers 200; fails early if the process exits.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var effectiveTimeout = timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(effectiveTimeout);
        using var client = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            while (true)
            {
                if (HasExited)
                    throw new InvalidOperationException($"the simulator exited with code {_process.ExitCode} before it was healthy; output:\n{Output}\n{ErrorOutput}");
                try
                {
                    using var response = await client.GetAsync("/health", deadline.Token);
                    if (response.IsSuccessStatusCode)
                        return;
                }
                catch (HttpRequestException)
                {
                    // Not accepting connections yet.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(25), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the simulator was not healthy within {effectiveTimeout}; output:\n{Output}");
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code (128 + signal when killed by a signal).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var effectiveTimeout = timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan;
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(effectiveTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the simulator (pid {Pid}) did not exit within {effectiveTimeout}; output:\n{Output}");
        }

        await _readers.WaitAsync(effectiveTimeout, cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (see <see cref="ProcessSignals"/>) to the simulator.</summary>
    public bool Signal(int signal) => ProcessSignals.Send(Pid, signal);

    /// <summary>An HttpClient whose base address is the simulator.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) =>
        new() { BaseAddress = BaseUri, Timeout = timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        // A grandchild outlives a crashed or killed simulator (it is re-parented), so the tree walk above
        // cannot find it any more; kill the ones the simulator announced directly.
        foreach (var child in AnnouncedChildren)
            ProcessSignals.Send(child, ProcessSignals.SigKill);

        try
        {
            await _process.WaitForExitAsync().WaitAsync(DisposeTimeout);
            await _readers.WaitAsync(DisposeTimeout);
        }
        catch (TimeoutException)
        {
            // Leave it; the test already has its result and a stuck reader must not hang the run.
        }

        _process.Dispose();
    }

    public override string ToString() => $"simulator pid {Pid}" + (_port != 0 ? $" on {BaseUrl}" : "");

    private void OnStdoutLine(string line)
    {
        var listening = ListeningLine().Match(line);
        if (listening.Success)
            _port = int.Parse(listening.Groups["port"].Value, CultureInfo.InvariantCulture);
        var child = ForkChildLine().Match(line);
        if (child.Success)
        {
            lock (_announcedChildren)
                _announcedChildren.Add(int.Parse(child.Groups["pid"].Value, CultureInfo.InvariantCulture));
        }
    }

    private static async Task PumpAsync(StreamReader reader, ProcessOutput output, Action<string> onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            onLine(line);
            output.Add(line);
        }

        output.Complete();
    }

    private static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"listening on http://[^\s]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"fork-child pid (?<pid>\d+)")]
    private static partial Regex ForkChildLine();
}
