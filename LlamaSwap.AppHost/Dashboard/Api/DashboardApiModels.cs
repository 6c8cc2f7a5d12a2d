using System.Collections.Immutable;
using LlamaSwap.AppHost.Dashboard.Telemetry;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Hosting.Orchestration;

namespace LlamaSwap.AppHost.Dashboard.Api;

/// <summary>A resource as the UI shows it (JSON, camelCase).</summary>
internal sealed record ResourceDto(
    string Name, string Type, string? Parent, string State, string StateStyle, bool Healthy, int? Pid, int? ExitCode,
    int Restarts, DateTimeOffset? StartedAt, DateTimeOffset? StoppedAt, ImmutableArray<string> Urls, string? Command,
    ImmutableSortedDictionary<string, string> Environment, ImmutableArray<string> Commands, ImmutableDictionary<string, string> Properties)
{
    public static ResourceDto From(ResourceSnapshot s) => new(
        s.Name, s.ResourceType, s.Parent, s.State, KnownResourceStateStyles.For(s), s.Healthy, s.Pid, s.ExitCode, s.Restarts,
        s.StartedAt, s.StoppedAt, s.Urls, s.Command, s.Environment, s.Commands, s.Properties);
}

internal sealed record ConsoleLineDto(int LineNumber, string Text, bool IsStdErr, DateTimeOffset Timestamp)
{
    public static ConsoleLineDto From(ConsoleLogLine line) => new(line.LineNumber, line.Text, line.IsStdErr, line.Timestamp);
}

internal sealed record TelemetryResourceDto(string Name, string InstanceId, string Key, IReadOnlyList<TelemetryAttribute> Attributes)
{
    public static TelemetryResourceDto From(TelemetryResource r) => new(r.Key.ServiceName, r.Key.InstanceId, r.Key.ToString(), r.Attributes);
}

internal sealed record SpanDto(
    string TraceId, string SpanId, string ParentSpanId, string Name, string Kind, string Service, string InstanceId, string Scope,
    double StartMs, double EndMs, double DurationMs, string Status, string StatusMessage,
    IReadOnlyList<TelemetryAttribute> Attributes, IReadOnlyList<SpanEvent> Events)
{
    public static SpanDto From(SpanRecord s) => new(
        s.TraceId, s.SpanId, s.ParentSpanId, s.Name, s.Kind, s.Resource.ServiceName, s.Resource.InstanceId, s.Scope,
        s.StartMs, s.EndMs, s.DurationMs, s.Status, s.StatusMessage, s.Attributes, s.Events);
}

internal sealed record TraceDto(string TraceId, double StartMs, double DurationMs, IReadOnlyList<SpanDto> Spans);

internal sealed record LogEntryDto(
    long Id, string Service, string InstanceId, double TimeMs, string Level, int SeverityNumber, string Message, string Scope,
    string EventName, string TraceId, string SpanId, IReadOnlyList<TelemetryAttribute> Attributes)
{
    public static LogEntryDto From(LogEntry l) => new(
        l.Id, l.Resource.ServiceName, l.Resource.InstanceId, l.TimeMs, l.Level, l.SeverityNumber, l.Message, l.Scope,
        l.EventName, l.TraceId, l.SpanId, l.Attributes);
}

internal sealed record InstrumentDto(
    string Service, string InstanceId, string Scope, string Name, string Description, string Unit, string Type,
    string Temporality, bool IsMonotonic, int SeriesCount)
{
    public static InstrumentDto From(MetricInstrumentInfo i) => new(
        i.Resource.ServiceName, i.Resource.InstanceId, i.Scope, i.Name, i.Description, i.Unit, i.Type, i.Temporality, i.IsMonotonic, i.SeriesCount);
}

internal sealed record InstrumentDataDto(InstrumentDto Instrument, IReadOnlyList<MetricSeries> Series);

internal sealed record CommandResultDto(bool Succeeded, string Message);

internal sealed record DashboardInfoDto(string Application, string? ProxyUrl, string OtlpEndpoint, bool FrontendAuth, bool OtlpAuth);
