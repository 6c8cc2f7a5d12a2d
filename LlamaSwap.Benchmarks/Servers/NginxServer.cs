using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LlamaSwap.Benchmarks.Servers;

/// <summary>
/// Debian's nginx as a plain reverse proxy: one <c>server</c> per upstream, each on its own
/// loopback port, keep-alive connections to the upstream, no buffering (so a stream is relayed
/// as it arrives, as LlamaSwap does), no access log. Runs in the foreground from a generated
/// configuration in a temporary prefix directory; nothing of the system's nginx is used.
/// </summary>
internal sealed class NginxServer : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    private readonly ChildProcess _process;
    private readonly string _prefix;

    private NginxServer(ChildProcess process, string prefix, IReadOnlyDictionary<int, int> listenPortByUpstreamPort)
    {
        _process = process;
        _prefix = prefix;
        ListenPortByUpstreamPort = listenPortByUpstreamPort;
    }

    public int Pid => _process.Pid;

    /// <summary>For each upstream port, the loopback port nginx forwards from.</summary>
    public IReadOnlyDictionary<int, int> ListenPortByUpstreamPort { get; }

    /// <summary>One worker per core, as <c>worker_processes auto</c> would choose.</summary>
    public static int Workers { get; } = Environment.ProcessorCount;

    /// <summary>The worker processes (children of the master), known once they have all started.</summary>
    public IReadOnlyList<int> WorkerPids { get; private set; } = [];

    public static bool IsInstalled => File.Exists(Executable);

    /// <summary>
    /// Installs Debian's nginx package when it is missing and this process may (root, apt-get present).
    /// Returns why it is still missing, or null when it is there.
    /// </summary>
    public static async Task<string?> EnsureInstalledAsync(bool mayInstall, TextWriter log, CancellationToken cancellationToken)
    {
        if (IsInstalled)
        {
            return null;
        }

        if (!mayInstall)
        {
            return "not installed";
        }

        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            return "not installed (installing it needs root and apt-get)";
        }

        log.WriteLine("nginx: not installed; installing Debian's package (apt-get install -y nginx)");
        foreach (var arguments in new[] { new[] { "install", "-y", "-qq", "nginx" }, ["update", "-qq"], ["install", "-y", "-qq", "nginx"] })
        {
            if (IsInstalled)
            {
                break;
            }

            var start = new ProcessStartInfo("/usr/bin/apt-get") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var apt = Process.Start(start)!;
            _ = apt.StandardOutput.ReadToEndAsync(cancellationToken);
            _ = apt.StandardError.ReadToEndAsync(cancellationToken);
            await apt.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        }

        return IsInstalled ? null : "not installed (apt-get install nginx failed)";
    }

    public static async Task<NginxServer> StartAsync(IReadOnlyList<int> upstreamPorts, CancellationToken cancellationToken)
    {
        var prefix = Directory.CreateTempSubdirectory("llamaswap-bench-nginx-").FullName;
        var listenPorts = upstreamPorts.ToDictionary(p => p, _ => LoopbackPorts.Get());
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, Configuration(prefix, listenPorts), cancellationToken);
        var process = ChildProcess.Start("nginx", Executable, ["-c", config, "-p", prefix + "/", "-e", Path.Combine(prefix, "error.log"), "-g", "daemon off;"]);
        var server = new NginxServer(process, prefix, listenPorts);
        try
        {
            foreach (var port in listenPorts.Values)
            {
                await server.WaitUntilListeningAsync(port, cancellationToken);
            }

            await server.WaitForWorkersAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The nginx version line (nginx prints it on stderr).</summary>
    public static string Version()
    {
        var start = new ProcessStartInfo(Executable, "-v") { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var text = process.StandardError.ReadToEnd().Trim();
        process.WaitForExit();
        return text.Replace("nginx version: ", "", StringComparison.Ordinal);
    }

    private static string Configuration(string prefix, IReadOnlyDictionary<int, int> listenPorts)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $$"""
            # Generated by LlamaSwap.Benchmarks: a plain reverse proxy, the way it is usually put in front of an LLM server.
            worker_processes {{Workers}};
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                keepalive_requests 1000000;
                keepalive_timeout 300s;

            """);
        foreach (var (upstream, listen) in listenPorts)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                    upstream u{{upstream}} {
                        server 127.0.0.1:{{upstream}};
                        keepalive 256;
                        keepalive_requests 1000000;
                    }
                    server {
                        listen 127.0.0.1:{{listen}};
                        location / {
                            proxy_pass http://u{{upstream}};
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_buffering off;
                            proxy_request_buffering off;
                            proxy_read_timeout 300s;
                        }
                    }

                """);
        }

        text.AppendLine("}");
        return text.ToString();
    }

    private async Task WaitUntilListeningAsync(int port, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (true)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync("127.0.0.1", port, cancellationToken);
                return;
            }
            catch (SocketException) when (!_process.HasExited && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"nginx is not listening on 127.0.0.1:{port}: {ex.Message}. Output:\n{_process.Output}", ex);
            }
        }
    }

    private async Task WaitForWorkersAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while ((WorkerPids = Harness.ProcFs.Descendants(Pid)).Count < Workers)
        {
            if (_process.HasExited || Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException($"nginx started {WorkerPids.Count} of {Workers} workers. Output:\n{_process.Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
