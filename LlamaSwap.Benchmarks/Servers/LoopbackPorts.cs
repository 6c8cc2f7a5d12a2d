using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LlamaSwap.Benchmarks.Servers;

/// <summary>
/// Loopback ports for servers that must be told their port before they start (nginx, a simulator's
/// <c>--port</c>, a Supervisor's <c>startPort</c>), handed out once per process.
/// </summary>
/// <remarks>
/// Ports come from just below the kernel's ephemeral range. A port found by binding port 0 and letting go is in
/// that range, so the kernel can give it to the next server binding port 0 (or to an outgoing connection) before
/// the intended server binds it; a readiness check then passes against that stranger. Below the range only another
/// holder of an explicit port can collide, and <see cref="IsFree"/> skips those. The test suite, which runs the
/// benchmark in-process, takes its ports here too, so the two never hand out the same one.
/// </remarks>
internal static class LoopbackPorts
{
    private const int RangeSize = 10_000;
    private static readonly Lock Gate = new();
    private static readonly (int First, int End) Range = ReservedRange();
    private static int _next = Range.First + Random.Shared.Next(RangeSize);

    /// <summary>A port that is free now and that nothing else in this process was or will be given.</summary>
    public static int Get() => GetBlock(1);

    /// <summary>The first of <paramref name="count"/> consecutive such ports (a <c>startPort</c>).</summary>
    public static int GetBlock(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (Gate)
        {
            for (var tried = 0; tried < RangeSize; tried += count)
            {
                if (_next + count > Range.End)
                    _next = Range.First;
                var first = _next;
                _next += count;
                if (Enumerable.Range(first, count).All(IsFree))
                    return first;
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free loopback ports left in {Range.First}-{Range.End - 1}");
    }

    /// <summary>Whether <paramref name="port"/> can be bound on loopback right now.</summary>
    public static bool IsFree(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int First, int End) ReservedRange()
    {
        var ephemeralFirst = 32768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            ephemeralFirst = int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Linux's default range then.
        }

        var first = Math.Max(1024, ephemeralFirst - RangeSize);
        return (first, first + RangeSize);
    }
}
