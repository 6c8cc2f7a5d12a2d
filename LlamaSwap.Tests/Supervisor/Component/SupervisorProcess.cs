using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using LlamaSwap.Configuration;
using LlamaSwap.Supervisor.Hosting;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Supervisor.Component;

/// <summary>
/// The real Supervisor as a child process (<c>dotnet LlamaSwap.Supervisor.dll</c>), configured through environment
/// variables the way the AppHost configures it, on dynamic ports learned from its log; stdout and stderr captured.
/// Disposing it kills it with SIGKILL if it still runs.
/// </summary>
internal sealed partial class SupervisorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _readers;

    private SupervisorProcess(Process process)
    {
        _process = process;
        Pid = process.Id;
        _readers = Task.WhenAll(Pump(process.StandardOutput, Output), Pump(process.StandardError, ErrorOutput));
    }

    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "LlamaSwap.Supervisor.dll");

    public int Pid { get; }

    public ProcessOutput Output { get; } = new();

    public ProcessOutput ErrorOutput { get; } = new();

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the Supervisor in <paramref name="directory"/> with that directory's models.yaml and the given state file.</summary>
    public static SupervisorProcess Launch(string directory, string stateFile, string hostId = "process-host")
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("LlamaSwap__", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment.Remove("LLAMASWAP_APPHOST_PID");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Kestrel__Endpoints__http__Url"] = "http://127.0.0.1:0";
        start.Environment["Kestrel__Endpoints__grpc__Url"] = "http://127.0.0.1:0";
        start.Environment["Kestrel__Endpoints__grpc__Protocols"] = "Http2";
        start.Environment[ConfigSourceSettings.EnvironmentVariable(ConfigSourceSettings.FileKey)] = Path.Combine(directory, "models.yaml");
        start.Environment[ConfigSourceSettings.EnvironmentVariable(SupervisorSettings.StateFileKey)] = stateFile;
        start.Environment[ConfigSourceSettings.EnvironmentVariable(SupervisorSettings.HostIdKey)] = hostId;
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        return new SupervisorProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the Supervisor"));
    }

    /// <summary>Waits for the "supervisor serving" line and returns the two bound addresses.</summary>
    public async Task<(Uri Http, Uri Grpc)> WaitUntilServingAsync(TimeSpan timeout)
    {
        var line = await Output.WaitForLineAsync(l => ServingLine().IsMatch(l), timeout, cancellationToken: TestContext.Current.CancellationToken);
        var match = ServingLine().Match(line);
        return (new Uri(match.Groups["http"].Value), new Uri(match.Groups["grpc"].Value));
    }

    /// <summary>Every upstream the Supervisor said it spawned: (model, pid).</summary>
    public IReadOnlyList<(string Model, int Pid)> Spawned =>
        [.. Output.Lines.Select(l => SpawnedLine().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups["model"].Value, int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture)))];

    /// <summary>The Supervisor's direct children whose command name is <paramref name="command"/> (its watchdogs are <c>sh</c>).</summary>
    public IReadOnlyList<int> Children(string command)
    {
        var children = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (ProcessTable.Read(pid) is { ParentPid: var parent } && parent == Pid && ReadComm(pid) == command)
                children.Add(pid);
        }

        return children;
    }

    public void Kill() => ProcessSignals.Send(Pid, ProcessSignals.SigKill);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
        await _readers.WaitAsync(timeout, TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
    }

    public override string ToString() => $"supervisor pid {Pid}\nstdout:\n{Output}\nstderr:\n{ErrorOutput}";

    private static string? ReadComm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task Pump(StreamReader reader, ProcessOutput output)
    {
        while (await reader.ReadLineAsync() is { } line)
            output.Add(line);
        output.Complete();
    }

    [GeneratedRegex(@"supervisor serving: HTTP (?<http>http://\S+) .*gRPC (?<grpc>http://\S+) ")]
    private static partial Regex ServingLine();

    [GeneratedRegex(@"Model (?<model>\S+): spawned pid (?<pid>\d+)")]
    private static partial Regex SpawnedLine();
}
