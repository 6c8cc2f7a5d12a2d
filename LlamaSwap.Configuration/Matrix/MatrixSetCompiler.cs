using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Matrix;

/// <summary>Turns the matrix <c>sets</c> DSL strings into the concrete model-id sets they allow.</summary>
/// <remarks>
/// Every problem is reported once, at its cause: a set that references a failed set is left out
/// of <see cref="MatrixCompileResult.Sets"/> without an error of its own.
/// </remarks>
public static class MatrixSetCompiler
{
    /// <summary>The most model combinations any one set (or any part of its expression) may expand to.</summary>
    public const int MaxExpansionsPerSet = 4096;

    /// <param name="sets">Set name → DSL, in definition order.</param>
    /// <param name="resolve">Identifier (var or model id) → model id; null when unknown.</param>
    public static MatrixCompileResult Compile(IReadOnlyList<KeyValuePair<string, string>> sets, Func<string, string?> resolve)
    {
        var errors = ImmutableArray.CreateBuilder<MatrixSetError>();
        if (sets.Count == 0)
            errors.Add(new MatrixSetError("", "matrix must define at least one set"));

        var definitions = MatrixSetDefinition.ParseAll(sets, resolve, errors);
        var order = SolverOrder(definitions, errors);
        var compiled = Expand(definitions, order, errors);
        return new MatrixCompileResult(compiled, errors.ToImmutable());
    }

    /// <summary>
    /// Referenced sets before the sets that reference them, otherwise definition order (a depth-first
    /// post-order walk). Sets that failed, or depend on one that did, are left out.
    /// </summary>
    private static List<MatrixSetDefinition> SolverOrder(
        IReadOnlyList<MatrixSetDefinition> definitions, ImmutableArray<MatrixSetError>.Builder errors)
    {
        var byName = definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var done = new Dictionary<string, bool>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        var cyclesReported = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<MatrixSetDefinition>();

        bool Visit(MatrixSetDefinition set)
        {
            if (done.TryGetValue(set.Name, out var succeeded))
                return succeeded;
            if (!visiting.Add(set.Name))
            {
                if (cyclesReported.Add(set.Name))
                    errors.Add(new MatrixSetError(set.Name, $"circular reference detected involving set \"{set.Name}\""));
                return false;
            }

            var ok = set.IsValid;
            foreach (var reference in set.References)
                ok &= byName.TryGetValue(reference, out var referenced) && Visit(referenced);

            visiting.Remove(set.Name);
            done[set.Name] = ok;
            if (ok)
                order.Add(set);
            return ok;
        }

        foreach (var definition in definitions)
            Visit(definition);
        return order;
    }

    private static ImmutableArray<MatrixSet> Expand(
        IReadOnlyList<MatrixSetDefinition> definitions,
        List<MatrixSetDefinition> order,
        ImmutableArray<MatrixSetError>.Builder errors)
    {
        var modelIds = new List<string>();
        var modelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var identifierIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (identifier, modelId) in definitions.SelectMany(d => d.ResolvedIdentifiers))
        {
            if (!modelIndex.TryGetValue(modelId, out var index))
            {
                index = modelIds.Count;
                modelIds.Add(modelId);
                modelIndex[modelId] = index;
            }
            identifierIndex[identifier] = index;
        }

        var expanded = new Dictionary<string, IReadOnlyList<ModelBits>>(StringComparer.Ordinal);
        var expander = new MatrixExpander(identifierIndex, modelIds.Count, expanded, MaxExpansionsPerSet);
        var result = ImmutableArray.CreateBuilder<MatrixSet>();
        foreach (var set in order)
        {
            // A referenced set that hit the limit has its own error already.
            if (!set.References.All(expanded.ContainsKey))
                continue;
            if (!expander.TryExpand(set.Root!, out var expansions))
            {
                errors.Add(new MatrixSetError(set.Name,
                    $"set \"{set.Name}\": expands to more than {MaxExpansionsPerSet} model combinations; split it into smaller sets"));
                continue;
            }

            expanded[set.Name] = expansions;
            var concrete = MatrixExpander.DropDominated(expansions)
                .Select(bits => bits.Indexes().Select(i => modelIds[i]).ToImmutableSortedSet(StringComparer.Ordinal))
                .ToImmutableArray();
            result.Add(new MatrixSet(set.Name, set.Dsl, concrete));
        }
        return result.ToImmutable();
    }
}

/// <summary>Compiled sets in solver order, or the errors (each naming its set).</summary>
/// <param name="Sets">When <see cref="Errors"/> is not empty, only the sets that compiled.</param>
public sealed record MatrixCompileResult(ImmutableArray<MatrixSet> Sets, ImmutableArray<MatrixSetError> Errors)
{
    public bool Succeeded => Errors.IsEmpty;
}

/// <param name="SetName">The set at fault; empty when the problem is the matrix as a whole.</param>
/// <param name="Message">A complete, user-facing sentence that names the set itself.</param>
public sealed record MatrixSetError(string SetName, string Message);
