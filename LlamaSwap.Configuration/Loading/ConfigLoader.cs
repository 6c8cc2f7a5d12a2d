using LlamaSwap.Configuration.Decoding;
using LlamaSwap.Configuration.Loading;
using LlamaSwap.Configuration.Macros;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration;

/// <summary>Reads, merges, expands and validates configuration sources.</summary>
public static class ConfigLoader
{
    /// <param name="environment">Variables for <c>${env.X}</c>; null reads the process environment.</param>
    public static ConfigLoadResult Load(ConfigSource source, IReadOnlyDictionary<string, string>? environment = null)
    {
        var diagnostics = new DiagnosticBag();
        var texts = SourceReader.Read(source, diagnostics);
        return diagnostics.HasErrors
            ? new ConfigLoadResult(null, diagnostics.ToImmutable())
            : Run(texts, source.File ?? source.Directory ?? "", environment, diagnostics);
    }

    /// <summary>Loads one in-memory document; <paramref name="fileName"/> only labels diagnostics.</summary>
    public static ConfigLoadResult LoadText(string yaml, string fileName = "models.yaml", IReadOnlyDictionary<string, string>? environment = null) =>
        Run([new SourceText(fileName, yaml)], fileName, environment, new DiagnosticBag());

    /// <summary>
    /// The pipeline: <c>${env.X}</c> per source text → parse → merge → macros → <c>${PORT}</c> → leftover-macro
    /// check → decode and validate. A stage that makes the document unusable (syntax errors) stops the run;
    /// otherwise every stage runs so one load reports every problem.
    /// </summary>
    private static ConfigLoadResult Run(
        IReadOnlyList<SourceText> sources, string label, IReadOnlyDictionary<string, string>? environment, DiagnosticBag diagnostics)
    {
        var env = environment ?? EnvMacroExpander.ProcessEnvironment();
        var documents = new List<YamlMapping>();
        var unusable = false;
        var unsetEnv = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var text = EnvMacroExpander.Expand(source.Text, source.File, env, unsetEnv, diagnostics);
            unusable |= !TryParseRoot(text, source.File, diagnostics, documents);
        }

        if (unusable)
        {
            return new ConfigLoadResult(null, diagnostics.ToImmutable());
        }

        var merged = DocumentMerger.Merge(documents, label, diagnostics);
        var expanded = MacroExpander.Expand(merged, diagnostics);
        expanded = PortAllocator.Assign(expanded, diagnostics);
        LeftoverMacroValidator.Validate(expanded.Root, unsetEnv, diagnostics);
        var config = ConfigDecoder.Decode(expanded, diagnostics) with { Sources = [.. sources.Select(s => s.File)] };

        return new ConfigLoadResult(diagnostics.HasErrors ? null : config, diagnostics.ToImmutable());
    }

    /// <summary>Adds the source's root mapping (none for an empty or comment-only source); false when it cannot be used.</summary>
    private static bool TryParseRoot(string text, string file, DiagnosticBag diagnostics, List<YamlMapping> documents)
    {
        var root = YamlDocumentReader.Read(text, file, diagnostics, out var failed);
        switch (root)
        {
            case YamlMapping mapping:
                documents.Add(mapping);
                return true;
            case null:
                return !failed;
            default:
                diagnostics.Error(root, "", $"top-level YAML must be a mapping (got {root.KindName})");
                return false;
        }
    }
}
