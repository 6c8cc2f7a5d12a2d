using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LlamaSwap.Benchmarks.Harness;

/// <summary>
/// Reads the runtime counters of a .NET process that runs <see cref="StartupHook"/>. Processes get
/// the hook through <see cref="EnvironmentFor"/>; children inherit it.
/// </summary>
internal sealed class RuntimeProbe(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>The variables that load the hook into a .NET process and point it at this probe's directory.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentFor() => new Dictionary<string, string>
    {
        ["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location,
        [StartupHook.ProbeDirectoryVariable] = Directory,
    };

    /// <summary>The counters of <paramref name="pid"/> now, or null when it runs no probe (not .NET, or gone).</summary>
    public RuntimeCounters? Read(int pid)
    {
        var path = Path.Combine(Directory, $"{pid}.sock");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            using var stream = new NetworkStream(socket);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return RuntimeCounters.Parse(reader.ReadToEnd());
        }
        catch (SocketException)
        {
            return null;
        }
    }
}

/// <summary>One reading of a process's runtime counters (all cumulative except heap and thread counts).</summary>
internal sealed record RuntimeCounters(
    long AllocatedBytes, int Gen0, int Gen1, int Gen2, double GcPauseMs, long HeapBytes, long CommittedBytes,
    long WorkItems, int PoolThreads, int Threads, long LockContentions, double CpuMs, bool ServerGc)
{
    /// <summary>Sampled allocation bytes by type name (cumulative).</summary>
    public IReadOnlyDictionary<string, long> SampledAllocations { get; init; } = new Dictionary<string, long>();

    public static RuntimeCounters Parse(string reply)
    {
        var lines = reply.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var sampled = new Dictionary<string, long>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Split(' ', 3) is ["alloc", var bytes, var type])
            {
                sampled[type] = long.Parse(bytes, CultureInfo.InvariantCulture);
            }
        }

        var values = lines[0].Trim().Split(' ').Select(pair => pair.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        long L(string name) => long.Parse(values[name], CultureInfo.InvariantCulture);
        double D(string name) => double.Parse(values[name], CultureInfo.InvariantCulture);
        return new RuntimeCounters(L("allocated"), (int)L("gen0"), (int)L("gen1"), (int)L("gen2"), D("pause_ms"), L("heap"), L("committed"),
            L("work_items"), (int)L("pool_threads"), (int)L("threads"), L("lock_contentions"), D("cpu_ms"), L("server_gc") == 1)
        {
            SampledAllocations = sampled,
        };
    }

    /// <summary>What happened between <paramref name="before"/> and this reading.</summary>
    public RuntimeDelta Since(RuntimeCounters before) => new(
        AllocatedBytes - before.AllocatedBytes, Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2,
        GcPauseMs - before.GcPauseMs, WorkItems - before.WorkItems, LockContentions - before.LockContentions,
        HeapBytes, Threads, ServerGc)
    {
        SampledAllocations = SampledAllocations
            .Select(p => (p.Key, Bytes: p.Value - before.SampledAllocations.GetValueOrDefault(p.Key)))
            .Where(p => p.Bytes > 0)
            .ToDictionary(p => p.Key, p => p.Bytes),
    };
}

internal sealed record RuntimeDelta(
    long AllocatedBytes, int Gen0, int Gen1, int Gen2, double GcPauseMs, long WorkItems, long LockContentions,
    long HeapBytesAtEnd, int ThreadsAtEnd, bool ServerGc)
{
    /// <summary>Sampled allocation bytes by type name during the window (~100 KB per sample).</summary>
    public IReadOnlyDictionary<string, long> SampledAllocations { get; init; } = new Dictionary<string, long>();

    public RuntimeDelta Add(RuntimeDelta other) => new(
        AllocatedBytes + other.AllocatedBytes, Gen0 + other.Gen0, Gen1 + other.Gen1, Gen2 + other.Gen2,
        GcPauseMs + other.GcPauseMs, WorkItems + other.WorkItems, LockContentions + other.LockContentions,
        other.HeapBytesAtEnd, other.ThreadsAtEnd, other.ServerGc)
    {
        SampledAllocations = SampledAllocations.Concat(other.SampledAllocations)
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Value)),
    };
}
