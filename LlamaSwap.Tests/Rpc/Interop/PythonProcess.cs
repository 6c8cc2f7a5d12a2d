using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace LlamaSwap.Tests.Rpc.Interop;

/// <summary>
/// A /usr/bin/python3 process running one of <see cref="PythonGrpcScripts"/>: stdout read as
/// JSON lines, stderr kept for failure messages, every wait bounded, the process killed on
/// dispose. Always Debian's interpreter: that is the one with python3-grpcio.
/// </summary>
internal sealed class PythonProcess : IAsyncDisposable
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly string _scriptPath;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _seen = [];

    private PythonProcess(Process process, string scriptPath)
    {
        _process = process;
        _scriptPath = scriptPath;
    }

    public static PythonProcess Start(string script, params IEnumerable<string> arguments)
    {
        var scriptPath = Path.Combine(Path.GetTempPath(), $"llamaswap-grpc-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, script);
        var startInfo = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // -I: no user site-packages or PYTHON* variables, only the system's packages. -u: unbuffered.
        startInfo.ArgumentList.Add("-I");
        startInfo.ArgumentList.Add("-u");
        startInfo.ArgumentList.Add(scriptPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // A proxy from the environment would capture 127.0.0.1 traffic in grpc-core.
        foreach (var variable in new[] { "http_proxy", "https_proxy", "grpc_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" })
        {
            startInfo.Environment.Remove(variable);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var python = new PythonProcess(process, scriptPath);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                python._lines.Writer.TryComplete();
            }
            else
            {
                python._lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (python._stderr)
                {
                    python._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return python;
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The next stdout line as JSON; fails with Python's output so far if there is none in time.</summary>
    public async Task<JsonElement> ReadJsonAsync(TimeSpan? timeout = null)
    {
        // Cancel the read itself on timeout (not just stop waiting), so no line is lost to an abandoned read.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            var line = await _lines.Reader.ReadAsync(cts.Token);
            lock (_seen)
            {
                _seen.Add(line);
            }

            return JsonDocument.Parse(line).RootElement;
        }
        catch (Exception ex) when (ex is ChannelClosedException || (ex is OperationCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested))
        {
            string seen;
            lock (_seen)
            {
                seen = string.Join('\n', _seen);
            }

            throw new InvalidOperationException($"python3 produced no further output line ({ex.GetType().Name}).\nstdout so far:\n{seen}\nstderr:\n{Stderr}", ex);
        }
    }

    /// <summary>Reads lines until one has <paramref name="property"/>, returning it; skips the others.</summary>
    public async Task<JsonElement> ReadJsonWithAsync(string property, TimeSpan? timeout = null)
    {
        while (true)
        {
            var line = await ReadJsonAsync(timeout);
            if (line.TryGetProperty(property, out _))
            {
                return line;
            }
        }
    }

    /// <summary>Every remaining stdout line, until the process ends.</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadToEndAsync(TimeSpan? timeout = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            var lines = await ReadAllAsync(cancellationToken).WaitAsync(timeout ?? DefaultTimeout, cancellationToken);
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout ?? DefaultTimeout, cancellationToken);
            return lines;
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException($"python3 did not finish in time. stderr:\n{Stderr}", ex);
        }
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
    }

    private async Task<List<JsonElement>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var lines = new List<JsonElement>();
        await foreach (var line in _lines.Reader.ReadAllAsync(cancellationToken))
        {
            lines.Add(JsonDocument.Parse(line).RootElement);
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(DefaultTimeout, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
        finally
        {
            _process.Dispose();
            File.Delete(_scriptPath);
        }
    }
}
