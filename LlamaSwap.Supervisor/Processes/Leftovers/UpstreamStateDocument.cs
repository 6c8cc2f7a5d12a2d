using System.Text.Json.Serialization;

namespace LlamaSwap.Supervisor.Processes.Leftovers;

/// <summary>
/// The state file: which upstream process groups a Supervisor had running. A PID plus its start time (field 22 of
/// <c>/proc/&lt;pid&gt;/stat</c>, clock ticks since boot) names one process for one boot, so a PID the kernel handed to
/// someone else never matches a record.
/// </summary>
/// <param name="BootId">The kernel's boot ID when written; records of another boot name nothing that still runs.</param>
/// <param name="Supervisor">The Supervisor that wrote the file; while it runs, its upstreams are not leftovers.</param>
internal sealed record UpstreamStateDocument(
    int Version,
    string BootId,
    ProcessIdentity Supervisor,
    IReadOnlyList<UpstreamRecord> Upstreams)
{
    public const int CurrentVersion = 1;
}

/// <summary>One process for one boot: PID and start time.</summary>
internal sealed record ProcessIdentity(int Pid, ulong StartTime);

/// <summary>One running upstream.</summary>
/// <param name="ProcessGroupId">The group its tree runs in (equal to <paramref name="Pid"/>).</param>
/// <param name="StartTime">Start time of <paramref name="Pid"/> in clock ticks since boot.</param>
/// <param name="Command">argv as launched.</param>
internal sealed record UpstreamRecord(
    string ModelId,
    int Pid,
    [property: JsonPropertyName("pgid")] int ProcessGroupId,
    ulong StartTime,
    int? Port,
    IReadOnlyList<string> Command,
    DateTimeOffset StartedAt);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UpstreamStateDocument))]
internal sealed partial class UpstreamStateJsonContext : JsonSerializerContext;
