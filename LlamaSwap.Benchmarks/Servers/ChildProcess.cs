using System.Diagnostics;
using System.Text;

namespace LlamaSwap.Benchmarks.Servers;

/// <summary>
/// A server process the benchmark started: stdout and stderr captured line by line (kept for
/// error messages, searchable while waiting), the whole tree killed on dispose.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly List<(long Timestamp, string Line)> _lines = [];
    private readonly List<TaskCompletionSource> _waiters = [];
    private readonly string _name;

    private ChildProcess(string name, Process process)
    {
        _name = name;
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        // A proxy from the environment would capture loopback traffic.
        foreach (var variable in new[] { "http_proxy", "https_proxy", "grpc_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" })
        {
            start.Environment.Remove(variable);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, "");
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, "stderr: ");
        process.Exited += (_, _) => child.WakeWaiters();
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name}: could not start {fileName}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Everything the process printed so far, for error messages.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                var text = new StringBuilder();
                foreach (var (_, line) in _lines.TakeLast(40))
                {
                    text.AppendLine(line);
                }

                return text.ToString();
            }
        }
    }

    /// <summary>
    /// The first line (from the start) that satisfies <paramref name="match"/>, with the
    /// <see cref="Stopwatch"/> timestamp at which it was read.
    /// </summary>
    public async Task<(long Timestamp, string Line)> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var seen = 0;
        while (true)
        {
            TaskCompletionSource wake;
            lock (_lines)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (match(_lines[seen].Line))
                    {
                        return _lines[seen];
                    }
                }

                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode} before printing the expected line. Output:\n{Output}");
                }

                wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(wake);
            }

            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{_name} did not print the expected line within {timeout.TotalSeconds:0.#} s. Output:\n{Output}");
            }

            try
            {
                await wake.Task.WaitAsync(remaining, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{_name} did not print the expected line within {timeout.TotalSeconds:0.#} s. Output:\n{Output}");
            }
        }
    }

    private void OnLine(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        lock (_lines)
        {
            _lines.Add((now, prefix + line));
            // Servers that log per request must not grow this without bound over a long run.
            if (_lines.Count > 10_000)
            {
                _lines.RemoveRange(1000, 5000);
            }
        }

        WakeWaiters();
    }

    private void WakeWaiters()
    {
        List<TaskCompletionSource> waiters;
        lock (_lines)
        {
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(ExitTimeout);
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }
        catch (TimeoutException)
        {
            // Left to the OS; nothing more a benchmark can do.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
