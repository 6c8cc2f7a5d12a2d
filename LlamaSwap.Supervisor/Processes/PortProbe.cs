using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LlamaSwap.Supervisor.Processes.Native;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>Finds out whether a TCP port on loopback already has a listener, and, when /proc allows, whose it is.</summary>
internal static class PortProbe
{
    private const string TcpListenState = "0A";

    /// <summary>True when something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> IsListeningAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), bound.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A local listener answers at once; silence means a filtered port, not a listener.
            return false;
        }
    }

    /// <summary>
    /// "pid 1234 (python3)" for the process listening on <paramref name="port"/>, or null when it cannot be told
    /// (no /proc, another user's process, or the listener went away).
    /// </summary>
    public static string? DescribeListener(int port)
    {
        try
        {
            var inodes = ListeningSocketInodes(port);
            if (inodes.Count == 0)
            {
                return null;
            }

            foreach (var stat in ProcStat.EnumerateAll())
            {
                if (OwnsAnySocket(stat.Pid, inodes))
                {
                    var name = File.ReadAllText($"/proc/{stat.Pid}/comm").Trim();
                    return string.Create(CultureInfo.InvariantCulture, $"pid {stat.Pid} ({name})");
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static HashSet<string> ListeningSocketInodes(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        var portHex = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && columns[3] == TcpListenState && columns[1].EndsWith(":" + portHex, StringComparison.Ordinal))
                {
                    inodes.Add($"socket:[{columns[9]}]");
                }
            }
        }

        return inodes;
    }

    private static bool OwnsAnySocket(int pid, HashSet<string> socketLinks)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                if (new FileInfo(fd).LinkTarget is { } target && socketLinks.Contains(target))
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return false;
    }
}
