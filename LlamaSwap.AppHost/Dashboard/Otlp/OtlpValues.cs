using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Common.V1;
using LlamaSwap.AppHost.Dashboard.Telemetry;

namespace LlamaSwap.AppHost.Dashboard.Otlp;

/// <summary>Turns OTLP wire values into the dashboard's text forms.</summary>
internal static class OtlpValues
{
    public const string ServiceNameAttribute = "service.name";
    public const string ServiceInstanceIdAttribute = "service.instance.id";
    public const string UnknownService = "unknown_service";

    public static string Hex(ByteString bytes) => bytes.IsEmpty ? "" : Convert.ToHexStringLower(bytes.Span);

    /// <summary>Nanoseconds since the epoch as fractional milliseconds (what the UI charts and sorts by).</summary>
    public static double Milliseconds(ulong unixNano) => unixNano / 1_000_000.0;

    public static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}: {Text(kv.Value)}")) + "}",
        _ => "",
    };

    public static ImmutableArray<TelemetryAttribute> Attributes(IEnumerable<KeyValue> attributes, TelemetryLimits limits)
    {
        var result = ImmutableArray.CreateBuilder<TelemetryAttribute>();
        foreach (var attribute in attributes)
        {
            if (result.Count >= limits.MaxAttributeCount)
                break;
            result.Add(new TelemetryAttribute(attribute.Key, Truncate(Text(attribute.Value), limits.MaxAttributeLength)));
        }
        return result.ToImmutable();
    }

    public static string Truncate(string text, int maxLength) =>
        text.Length <= maxLength ? text : new StringBuilder(text, 0, maxLength, maxLength + 1).Append('…').ToString();

    public static TelemetryResourceKey ResourceKey(Proto.Resource.V1.Resource? resource)
    {
        string? name = null, instance = null;
        foreach (var attribute in resource?.Attributes ?? [])
        {
            if (attribute.Key == ServiceNameAttribute)
                name = Text(attribute.Value);
            else if (attribute.Key == ServiceInstanceIdAttribute)
                instance = Text(attribute.Value);
        }
        return new TelemetryResourceKey(string.IsNullOrEmpty(name) ? UnknownService : name, instance ?? "");
    }
}
