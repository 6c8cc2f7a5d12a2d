using System.Globalization;
using System.Text.Json;

namespace LlamaSwap.Configuration.Yaml;

/// <summary>Converts a YAML node to JSON keeping scalar types (an int stays a number, a quoted "5" stays a string).</summary>
internal static class YamlJson
{
    public static JsonElement ToJson(YamlNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, node);
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMapping mapping:
                writer.WriteStartObject();
                foreach (var entry in mapping.Entries)
                {
                    writer.WritePropertyName(entry.Name);
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequence sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalar scalar:
                WriteScalar(writer, scalar);
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalar scalar)
    {
        switch (scalar.Type)
        {
            case ScalarType.Null:
                writer.WriteNullValue();
                break;
            case ScalarType.Bool:
                writer.WriteBooleanValue(scalar.BoolValue);
                break;
            case ScalarType.Int when scalar.TryGetInt64(out var number):
                writer.WriteNumberValue(number);
                break;
            case ScalarType.Int when decimal.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var big):
                writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                break;
            case ScalarType.Float when double.IsFinite(scalar.ToDouble()):
                writer.WriteNumberValue(scalar.ToDouble());
                break;
            default:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }
}
