using System.Diagnostics;
using System.Runtime.Versioning;
using LlamaSwap.Supervisor.Metrics;

namespace LlamaSwap.Tests.Supervisor.Service;

[SupportedOSPlatform("linux")]
public sealed class GpuMetricsReaderTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("llamaswap-fake-gpu-").FullName;

    [Fact]
    public void NvidiaSmiLinesBecomeGpusSortedByIndexWithUnsupportedFieldsLeftOut()
    {
        var gpus = GpuMetricsReader.Parse("1, RTX B, [N/A], 50, 7, 512, 4096, [N/A], [N/A]\n0, RTX A, GPU-aaaa, 45, 42, 1024, 8192, 30, 120.50\n\ngarbage\n");

        Assert.Equal([0, 1], gpus.Select(g => g.Id));
        Assert.Equal(new GpuMetricsReader.GpuSample(0, "RTX A", "GPU-aaaa", 45, 42, 1024, 8192, 30, 120.5), gpus[0]);
        Assert.Equal("", gpus[1].Uuid);
        Assert.Null(gpus[1].FanSpeedPercent);
        Assert.Null(gpus[1].PowerDrawWatts);
    }

    [Fact]
    public void FamiliesUseLlamaSwapsNamesAndLabelsInBytesAndPercent()
    {
        var families = GpuMetricsReader.ToFamilies(GpuMetricsReader.Parse("0, RTX A, GPU-aaaa, 45, 42, 1024, 8192, 30, 120.5\n1, RTX B, [N/A], 50, 7, 512, 4096, [N/A], 80\n"))
            .ToDictionary(f => f.Name);

        Assert.Equal(
        [
            "llamaswap_gpu_fan_speed_percent", "llamaswap_gpu_memory_total_bytes", "llamaswap_gpu_memory_used_bytes",
            "llamaswap_gpu_memory_util_percent", "llamaswap_gpu_power_draw_watts", "llamaswap_gpu_temperature_celsius", "llamaswap_gpu_util_percent",
        ],
        families.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            [KeyValuePair.Create("id", "0"), KeyValuePair.Create("name", "RTX A"), KeyValuePair.Create("uuid", "GPU-aaaa")],
            families["llamaswap_gpu_util_percent"].Samples[0].Labels);
        Assert.Equal([KeyValuePair.Create("id", "1"), KeyValuePair.Create("name", "RTX B")], families["llamaswap_gpu_util_percent"].Samples[1].Labels);
        Assert.Equal(1024d * 1024 * 1024, families["llamaswap_gpu_memory_used_bytes"].Samples[0].Value);
        Assert.Equal(12.5, families["llamaswap_gpu_memory_util_percent"].Samples[0].Value);
        Assert.Single(families["llamaswap_gpu_fan_speed_percent"].Samples);
        Assert.Empty(GpuMetricsReader.ToFamilies([]));
    }

    [Fact]
    public async Task ItRunsNvidiaSmiFromThePathWithTheQueryItNeeds()
    {
        var smi = Script("nvidia-smi", """
            #!/bin/sh
            [ "$1" = "--query-gpu=index,name,uuid,temperature.gpu,utilization.gpu,memory.used,memory.total,fan.speed,power.draw" ] || exit 9
            [ "$2" = "--format=csv,noheader,nounits" ] || exit 9
            echo "0, Fake, GPU-1, 40, 99, 1, 2, 3, 4"
            """);

        var found = GpuMetricsReader.Find($"/nonexistent:{_bin}");
        var families = await new GpuMetricsReader(found, TimeSpan.FromSeconds(10)).ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(smi, found);
        Assert.Null(GpuMetricsReader.Find("/nonexistent"));
        Assert.Equal(99, families.Single(f => f.Name == "llamaswap_gpu_util_percent").Samples.Single().Value);
    }

    [Fact]
    public async Task AFailingOrHangingNvidiaSmiGivesNoFigures()
    {
        var failing = Script("failing", "#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2\nexit 6\n");
        var hanging = Script("hanging", "#!/bin/sh\nexec sleep 30\n");

        var failed = await new GpuMetricsReader(failing, TimeSpan.FromSeconds(10)).ReadAsync(TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        var hung = await new GpuMetricsReader(hanging, TimeSpan.FromMilliseconds(300)).ReadAsync(TestContext.Current.CancellationToken);

        Assert.Empty(failed);
        Assert.Empty(hung);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the hanging query took {clock.Elapsed}");
        Assert.Empty(await new GpuMetricsReader(null, TimeSpan.FromSeconds(1)).ReadAsync(TestContext.Current.CancellationToken));
    }

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    private string Script(string name, string text)
    {
        var path = Path.Combine(_bin, name);
        File.WriteAllText(path, text.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
