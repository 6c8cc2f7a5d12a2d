using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaSwap.Benchmarks.Reporting;

/// <summary>Writes results.md and results.json into a directory.</summary>
internal static class ResultsWriter
{
    public const string MarkdownFile = "results.md";
    public const string JsonFile = "results.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task WriteAsync(string directory, BenchmarkResults results, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, MarkdownFile), MarkdownReport.Render(results), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, JsonFile), JsonSerializer.Serialize(results, Json) + "\n", cancellationToken);
    }

    public static BenchmarkResults Read(string path) =>
        JsonSerializer.Deserialize<BenchmarkResults>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty results");
}
