using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

// The runtime finds a startup hook by this exact name in the global namespace
// (DOTNET_STARTUP_HOOKS=path/to/LlamaSwap.Benchmarks.dll).
#pragma warning disable CA1050

/// <summary>
/// Loaded into every .NET process the benchmark starts (Proxy, Supervisor, AppHost, simulators)
/// through <c>DOTNET_STARTUP_HOOKS</c>, so their runtime counters can be read from outside
/// without touching their code: a dotnet-counters of our own. When
/// <c>LLAMASWAP_BENCH_PROBE_DIR</c> is set, a background thread serves one line of counters
/// on the Unix socket <c>DIR/PID.sock</c> to each connection, followed by one line per allocated
/// type sampled by the runtime's allocation ticks (one event per ~100 KB allocated, naming the
/// type that crossed the mark): a statistical allocation profile. Otherwise it does nothing.
/// Only BCL types are used here, so the hook loads nothing else into the host process.
/// </summary>
public static class StartupHook
{
    public const string ProbeDirectoryVariable = "LLAMASWAP_BENCH_PROBE_DIR";

    private static int _initialized;

    public static void Initialize() => Start(Environment.GetEnvironmentVariable(ProbeDirectoryVariable));

    /// <summary>Serves this process's counters in <paramref name="directory"/> (once per process).</summary>
    public static void Start(string? directory)
    {
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory) || Interlocked.Exchange(ref _initialized, 1) == 1)
        {
            return;
        }

        var path = Path.Combine(directory, $"{Environment.ProcessId}.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            File.Delete(path);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(4);
        }
        catch (SocketException)
        {
            listener.Dispose();
            return;
        }

        var allocations = new AllocationSampler();

        // A dedicated thread, not the thread pool: the probe must not show up in the counters it reads.
        var thread = new Thread(() => Serve(listener, allocations)) { IsBackground = true, Name = "benchmark probe" };
        thread.Start();
    }

    private static void Serve(Socket listener, AllocationSampler allocations)
    {
        while (true)
        {
            using var connection = listener.Accept();
            var reply = new StringBuilder(Snapshot()).Append('\n');
            foreach (var (type, bytes) in allocations.Totals())
            {
                reply.Append(CultureInfo.InvariantCulture, $"alloc {bytes} {type}\n");
            }

            connection.Send(Encoding.UTF8.GetBytes(reply.ToString()));
            connection.Shutdown(SocketShutdown.Send);
        }
    }

    /// <summary>Sums the runtime's GCAllocationTick events by type name.</summary>
    private sealed class AllocationSampler : EventListener
    {
        private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
        private const EventKeywords GcKeyword = (EventKeywords)0x1;

        private readonly ConcurrentDictionary<string, long> _bytesByType = new();

        public IEnumerable<(string Type, long Bytes)> Totals() => _bytesByType.Select(p => (p.Key, p.Value));

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == RuntimeProvider)
            {
                EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null || eventData.PayloadNames is null)
            {
                return;
            }

            var type = "?";
            long bytes = 0;
            for (var i = 0; i < eventData.PayloadNames.Count; i++)
            {
                switch (eventData.PayloadNames[i])
                {
                    case "TypeName":
                        type = eventData.Payload[i] as string ?? "?";
                        break;
                    case "AllocationAmount64":
                        bytes = Convert.ToInt64(eventData.Payload[i], CultureInfo.InvariantCulture);
                        break;
                    case "AllocationAmount" when bytes == 0:
                        bytes = Convert.ToInt64(eventData.Payload[i], CultureInfo.InvariantCulture);
                        break;
                }
            }

            _bytesByType.AddOrUpdate(type.Replace(' ', '_'), bytes, (_, total) => total + bytes);
        }
    }

    /// <summary>Space-separated <c>name=value</c> pairs; see RuntimeCounters for their meaning.</summary>
    private static string Snapshot()
    {
        var info = GC.GetGCMemoryInfo();
        using var process = Process.GetCurrentProcess();
        return string.Create(CultureInfo.InvariantCulture,
            $"allocated={GC.GetTotalAllocatedBytes(false)} gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)} " +
            $"pause_ms={GC.GetTotalPauseDuration().TotalMilliseconds} heap={info.HeapSizeBytes} committed={info.TotalCommittedBytes} " +
            $"work_items={ThreadPool.CompletedWorkItemCount} pool_threads={ThreadPool.ThreadCount} threads={process.Threads.Count} " +
            $"lock_contentions={Monitor.LockContentionCount} cpu_ms={process.TotalProcessorTime.TotalMilliseconds} " +
            $"server_gc={(System.Runtime.GCSettings.IsServerGC ? 1 : 0)}");
    }
}
