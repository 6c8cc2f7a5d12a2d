using LlamaSwap.Supervisor.Metrics;

namespace LlamaSwap.Tests.Supervisor.Service;

public sealed class HostMetricsReaderTests : IDisposable
{
    private readonly string _proc = Directory.CreateTempSubdirectory("llamaswap-fake-proc-").FullName;

    public HostMetricsReaderTests()
    {
        Directory.CreateDirectory(Path.Combine(_proc, "net"));
        File.WriteAllText(Path.Combine(_proc, "meminfo"), "MemTotal:       16000000 kB\nMemFree:         4000000 kB\nMemAvailable:    6000000 kB\nSwapTotal:       2000000 kB\nSwapFree:        1500000 kB\n");
        File.WriteAllText(Path.Combine(_proc, "loadavg"), "0.52 1.10 2.00 3/512 12345\n");
        File.WriteAllText(Path.Combine(_proc, "net", "dev"), """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
              eth0: 5000000    4000    0    0    0     0          0         0   250000    2000    0    0    0     0       0          0
            """);
        WriteStat(user: 100, idle: 900);
    }

    [Fact]
    public void MemoryLoadAndNetworkComeFromProcInBytes()
    {
        var families = new HostMetricsReader(_proc).Read().ToDictionary(f => f.Name);

        Assert.Equal(16_000_000 * 1024d, families["llamaswap_memory_total_bytes"].Samples.Single().Value);
        Assert.Equal(10_000_000 * 1024d, families["llamaswap_memory_used_bytes"].Samples.Single().Value);
        Assert.Equal(4_000_000 * 1024d, families["llamaswap_memory_free_bytes"].Samples.Single().Value);
        Assert.Equal(2_000_000 * 1024d, families["llamaswap_swap_total_bytes"].Samples.Single().Value);
        Assert.Equal(500_000 * 1024d, families["llamaswap_swap_used_bytes"].Samples.Single().Value);
        Assert.Equal(["1m=0.52", "5m=1.1", "15m=2"], families["llamaswap_load_average"].Samples.Select(s => $"{s.Labels[0].Value}={s.Value}"));
        var network = families["llamaswap_network_bytes_total"];
        Assert.Equal(PrometheusType.Counter, network.Type);
        Assert.Contains(network.Samples, s => s.Labels.SequenceEqual([KeyValuePair.Create("interface", "eth0"), KeyValuePair.Create("direction", "recv")]) && s.Value == 5_000_000);
        Assert.Contains(network.Samples, s => s.Labels[0].Value == "eth0" && s.Labels[1].Value == "sent" && s.Value == 250_000);
    }

    [Fact]
    public void CpuUtilisationIsPerCoreSinceBootFirstThenBetweenReads()
    {
        var reader = new HostMetricsReader(_proc);

        var sinceBoot = reader.Read().Single(f => f.Name == "llamaswap_cpu_util_percent");
        WriteStat(user: 100 + 75, idle: 900 + 25);
        var between = reader.Read().Single(f => f.Name == "llamaswap_cpu_util_percent");

        Assert.Equal(["0=10", "1=10"], sinceBoot.Samples.Select(s => $"{s.Labels[0].Value}={s.Value}"));
        Assert.Equal(["0=75", "1=75"], between.Samples.Select(s => $"{s.Labels[0].Value}={s.Value}"));
    }

    [Fact]
    public void MissingFilesLeaveTheirFiguresOut()
    {
        var families = new HostMetricsReader(Path.Combine(_proc, "nowhere")).Read();

        Assert.Empty(families);
    }

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    private void WriteStat(long user, long idle) => File.WriteAllText(
        Path.Combine(_proc, "stat"),
        $"cpu  {2 * user} 0 0 {2 * idle} 0 0 0 0 0 0\ncpu0 {user} 0 0 {idle} 0 0 0 0 0 0\ncpu1 {user} 0 0 {idle} 0 0 0 0 0 0\nintr 1 2 3\n");
}
