using System.Collections.Immutable;
using System.Text.RegularExpressions;
using LlamaSwap.Configuration.Matrix;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>The matrix router: vars (short names), evict costs (stored by model id) and compiled sets.</summary>
internal static partial class MatrixDecoder
{
    public static MatrixConfig Decode(Section matrix, LlamaSwapConfig config)
    {
        var vars = Vars(matrix, config);
        string? Resolve(string name) => vars.TryGetValue(name, out var id) ? id : config.Models.ContainsKey(name) ? name : null;

        return new MatrixConfig
        {
            Vars = vars,
            EvictCosts = EvictCosts(matrix, Resolve),
            Sets = Sets(matrix, Resolve),
        };
    }

    private static ImmutableDictionary<string, string> Vars(Section matrix, LlamaSwapConfig config)
    {
        var vars = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (matrix.Child(Keys.Vars, knownKeys: null) is not { } section)
        {
            return vars.ToImmutable();
        }

        foreach (var entry in section.Entries)
        {
            var path = section.PathOf(entry.Name);
            if (!VarKeyPattern().IsMatch(entry.Name))
            {
                section.Diagnostics.Error(entry.Key, path,
                    $"var key \"{entry.Name}\" must contain only alphanumeric, '-' or '.' characters and be 1-32 characters long");
                continue;
            }

            if (Values.String(entry.Value, path, section.Diagnostics) is not { } model)
            {
                continue;
            }

            if (!config.Models.ContainsKey(model))
            {
                var hint = config.Aliases.TryGetValue(model, out var target) ? $" ('{model}' is an alias of '{target}'; vars take model IDs)" : "";
                section.Diagnostics.Error(entry.Value, path, $"var key \"{entry.Name}\" references unknown model \"{model}\"{hint}");
                continue;
            }

            if (config.Models[model].IsEndpoint)
            {
                section.Diagnostics.Error(entry.Value, path, $"var key \"{entry.Name}\" references endpoint model \"{model}\": nothing is started for it, so it has no place in the matrix");
                continue;
            }

            vars[entry.Name] = model;
        }

        return vars.ToImmutable();
    }

    private static ImmutableDictionary<string, int> EvictCosts(Section matrix, Func<string, string?> resolve)
    {
        var costs = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        if (matrix.Child(Keys.EvictCosts, knownKeys: null) is not { } section)
        {
            return costs.ToImmutable();
        }

        foreach (var entry in section.Entries)
        {
            var path = section.PathOf(entry.Name);
            var cost = Values.Int(entry.Value, path, section.Diagnostics);
            if (cost is <= 0)
            {
                section.Diagnostics.Error(entry.Value, path, $"evict_cost for \"{entry.Name}\" must be a positive integer, got {cost}");
            }

            if (resolve(entry.Name) is not { } id)
            {
                section.Diagnostics.Error(entry.Key, path, $"evict_costs: unknown var or model \"{entry.Name}\"");
            }
            else if (cost is > 0)
            {
                costs[id] = cost.Value;
            }
        }

        return costs.ToImmutable();
    }

    private static ImmutableArray<MatrixSet> Sets(Section matrix, Func<string, string?> resolve)
    {
        var section = matrix.Child(Keys.Sets, knownKeys: null);
        var definitions = new List<KeyValuePair<string, string>>();
        var nodes = new Dictionary<string, YamlEntry>(StringComparer.Ordinal);
        foreach (var entry in section?.Entries ?? [])
        {
            if (Values.String(entry.Value, section!.PathOf(entry.Name), section.Diagnostics) is { } dsl)
            {
                definitions.Add(new(entry.Name, dsl));
                nodes[entry.Name] = entry;
            }
        }

        if (section is not null && section.Node.Entries.IsEmpty)
        {
            matrix.Diagnostics.Error(section.Node, section.Path, "matrix must define at least one set");
        }

        if (definitions.Count == 0)
        {
            return [];
        }

        var compiled = MatrixSetCompiler.Compile(definitions, resolve);
        foreach (var error in compiled.Errors)
        {
            if (nodes.TryGetValue(error.SetName, out var entry))
            {
                matrix.Diagnostics.Error(entry.Value, section!.PathOf(error.SetName), error.Message);
            }
            else
            {
                matrix.Diagnostics.Error(section!.Node, section.Path, error.Message);
            }
        }

        return compiled.Sets;
    }

    [GeneratedRegex("^[a-zA-Z0-9.-]{1,32}$")]
    private static partial Regex VarKeyPattern();
}
