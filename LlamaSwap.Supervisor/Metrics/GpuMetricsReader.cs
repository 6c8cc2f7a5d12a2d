using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;

namespace LlamaSwap.Supervisor.Metrics;

/// <summary>
/// NVIDIA GPU figures from <c>nvidia-smi --query-gpu=… --format=csv,noheader,nounits</c>, under llama-swap's
/// metric names (<c>llamaswap_gpu_util_percent{id,name,uuid}</c>, …), GPUs sorted by index. Without an
/// <c>nvidia-smi</c> on the <c>PATH</c> there are none; a run that fails or exceeds its timeout gives none this time.
/// Fields a GPU does not support (<c>[N/A]</c>) are left out for that GPU.
/// </summary>
internal sealed class GpuMetricsReader(string? executable, TimeSpan timeout)
{
    public const string QueryFields = "index,name,uuid,temperature.gpu,utilization.gpu,memory.used,memory.total,fan.speed,power.draw";
    private const double BytesPerMebibyte = 1024 * 1024;

    public bool Available => executable is not null;

    /// <summary><c>nvidia-smi</c> from the directories of <paramref name="path"/> (the <c>PATH</c> variable); null when absent.</summary>
    public static string? Find(string? path)
    {
        foreach (var directory in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "nvidia-smi");
            if (File.Exists(candidate))
                return candidate;
        }

        return null;
    }

    public async Task<IReadOnlyList<PrometheusFamily>> ReadAsync(CancellationToken cancellationToken)
    {
        if (executable is null)
            return [];
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"--query-gpu={QueryFields}");
        start.ArgumentList.Add("--format=csv,noheader,nounits");
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            var output = process.StandardOutput.ReadToEndAsync(bounded.Token);
            var errors = process.StandardError.ReadToEndAsync(bounded.Token);
            await process.WaitForExitAsync(bounded.Token);
            var text = await output;
            await errors;
            return process.ExitCode == 0 ? ToFamilies(Parse(text)) : [];
        }
        catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Never started, or already gone.
            }

            cancellationToken.ThrowIfCancellationRequested();
            return [];
        }
    }

    /// <summary>One GPU per line of <see cref="QueryFields"/>; lines that do not have them all are skipped.</summary>
    internal static ImmutableArray<GpuSample> Parse(string csv)
    {
        var gpus = ImmutableArray.CreateBuilder<GpuSample>();
        foreach (var line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(',', StringSplitOptions.TrimEntries);
            if (f.Length < 9 || !int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                continue;
            gpus.Add(new GpuSample(id, f[1], Text(f[2]) ?? "", Number(f[3]), Number(f[4]), Number(f[5]), Number(f[6]), Number(f[7]), Number(f[8])));
        }

        gpus.Sort((a, b) => a.Id.CompareTo(b.Id));
        return gpus.ToImmutable();
    }

    internal static IReadOnlyList<PrometheusFamily> ToFamilies(ImmutableArray<GpuSample> gpus)
    {
        if (gpus.IsEmpty)
            return [];
        return
        [
            Family("llamaswap_gpu_temperature_celsius", "GPU temperature.", gpus, g => g.TemperatureCelsius),
            Family("llamaswap_gpu_util_percent", "GPU utilisation, 0-100.", gpus, g => g.UtilisationPercent),
            Family("llamaswap_gpu_memory_util_percent", "GPU memory in use, 0-100.", gpus,
                g => g.MemoryUsedMebibytes is { } used && g.MemoryTotalMebibytes is > 0 and var total ? 100 * used / total : null),
            Family("llamaswap_gpu_memory_used_bytes", "GPU memory in use.", gpus, g => g.MemoryUsedMebibytes * BytesPerMebibyte),
            Family("llamaswap_gpu_memory_total_bytes", "GPU memory in total.", gpus, g => g.MemoryTotalMebibytes * BytesPerMebibyte),
            Family("llamaswap_gpu_fan_speed_percent", "GPU fan speed, 0-100.", gpus, g => g.FanSpeedPercent),
            Family("llamaswap_gpu_power_draw_watts", "GPU power draw.", gpus, g => g.PowerDrawWatts),
        ];
    }

    private static PrometheusFamily Family(string name, string help, ImmutableArray<GpuSample> gpus, Func<GpuSample, double?> value) =>
        new(name, PrometheusType.Gauge, help, [.. gpus.Where(g => value(g) is not null).Select(g => new PrometheusSample(g.Labels, value(g)!.Value))]);

    private static string? Text(string field) => field.Length == 0 || field.StartsWith('[') ? null : field;

    private static double? Number(string field) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    internal sealed record GpuSample(
        int Id,
        string Name,
        string Uuid,
        double? TemperatureCelsius,
        double? UtilisationPercent,
        double? MemoryUsedMebibytes,
        double? MemoryTotalMebibytes,
        double? FanSpeedPercent,
        double? PowerDrawWatts)
    {
        /// <summary><c>id</c>, <c>name</c>, and <c>uuid</c> unless it is empty (as llama-swap labels them).</summary>
        public ImmutableArray<KeyValuePair<string, string>> Labels => Uuid.Length == 0
            ? [KeyValuePair.Create("id", Id.ToString(CultureInfo.InvariantCulture)), KeyValuePair.Create("name", Name)]
            : [KeyValuePair.Create("id", Id.ToString(CultureInfo.InvariantCulture)), KeyValuePair.Create("name", Name), KeyValuePair.Create("uuid", Uuid)];
    }
}
