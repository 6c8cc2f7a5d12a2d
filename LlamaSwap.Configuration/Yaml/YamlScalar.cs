using System.Globalization;
using System.Text.RegularExpressions;

namespace LlamaSwap.Configuration.Yaml;

/// <summary>A scalar with its resolved type: plain scalars follow the YAML core schema, quoted and block scalars are strings.</summary>
internal sealed partial class YamlScalar(SourceMark start, SourceMark end, string value, ScalarType type, string? anchor = null)
    : YamlNode(start, end, anchor)
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    public string Value { get; } = value;
    public ScalarType Type { get; } = type;

    public override string KindName => Type switch
    {
        ScalarType.Null => "null",
        ScalarType.Bool => "bool",
        ScalarType.Int => "int",
        ScalarType.Float => "float",
        _ => "string",
    };

    public bool IsString => Type == ScalarType.String;

    public static YamlScalar Parsed(SourceMark start, SourceMark end, string value, bool plain, string? tag, string? anchor) =>
        new(start, end, value, Resolve(value, plain, tag), anchor);

    public static YamlScalar String(SourceMark start, string value) => new(start, start, value, ScalarType.String);

    public YamlScalar WithString(string value) => new(Start, End, value, ScalarType.String, Anchor);

    /// <summary>A copy of <paramref name="typed"/> placed where this scalar was, so errors point at the use, not the definition.</summary>
    public YamlScalar WithTypedValue(YamlScalar typed) => new(Start, End, typed.Value, typed.Type, Anchor);

    public bool TryGetInt64(out long result)
    {
        result = 0;
        if (Type != ScalarType.Int)
        {
            return false;
        }

        var text = Value.Replace("_", "", StringComparison.Ordinal);
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('+', '-');
        bool ok;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ok = long.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out result);
        }
        else if (digits.StartsWith("0o", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                result = Convert.ToInt64(digits[2..], 8);
                ok = true;
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                ok = false;
            }
        }
        else
        {
            ok = long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out result);
        }

        result = negative ? -result : result;
        return ok;
    }

    public double ToDouble() => Value.ToLowerInvariant().TrimStart('+') switch
    {
        ".inf" => double.PositiveInfinity,
        "-.inf" => double.NegativeInfinity,
        ".nan" => double.NaN,
        var text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    public bool BoolValue => Value.Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value as text the way string interpolation renders it (numbers canonical, booleans lower case).</summary>
    public string Render() => Type switch
    {
        ScalarType.Null => "",
        ScalarType.Bool => BoolValue ? "true" : "false",
        ScalarType.Int => TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : Value,
        ScalarType.Float => ToDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => Value,
    };

    private static ScalarType Resolve(string value, bool plain, string? tag)
    {
        if (!string.IsNullOrEmpty(tag) && tag != "!" && tag.StartsWith(TagPrefix, StringComparison.Ordinal))
        {
            return tag[TagPrefix.Length..] switch
            {
                "null" => ScalarType.Null,
                "bool" => ScalarType.Bool,
                "int" => ScalarType.Int,
                "float" => ScalarType.Float,
                _ => ScalarType.String,
            };
        }

        if (!plain || !string.IsNullOrEmpty(tag))
        {
            return ScalarType.String;
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => ScalarType.Null,
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarType.Bool,
            _ when IntPattern().IsMatch(value) => ScalarType.Int,
            _ when FloatPattern().IsMatch(value) => ScalarType.Float,
            _ => ScalarType.String,
        };
    }

    [GeneratedRegex("^([-+]?[0-9][0-9_]*|0x[0-9a-fA-F]+|0o[0-7]+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();
}
