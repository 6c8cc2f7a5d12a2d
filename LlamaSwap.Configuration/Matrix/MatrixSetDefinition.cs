using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Matrix;

/// <summary>One set's expression, parsed and checked against the known models and set names.</summary>
/// <param name="Root">Null when the expression did not parse.</param>
/// <param name="References">Referenced set names, distinct, in order of first appearance.</param>
/// <param name="ResolvedIdentifiers">Each identifier the expression uses → its model id.</param>
/// <param name="IsValid">Parsed, and every identifier and reference is known.</param>
internal sealed record MatrixSetDefinition(
    string Name,
    string Dsl,
    MatrixDslNode? Root,
    ImmutableArray<string> References,
    ImmutableArray<KeyValuePair<string, string>> ResolvedIdentifiers,
    bool IsValid)
{
    /// <summary>Parses every set, reporting each problem; duplicate names after the first are dropped.</summary>
    public static List<MatrixSetDefinition> ParseAll(
        IReadOnlyList<KeyValuePair<string, string>> sets,
        Func<string, string?> resolve,
        ImmutableArray<MatrixSetError>.Builder errors)
    {
        var setNames = sets.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var definitions = new List<MatrixSetDefinition>();
        foreach (var (name, dsl) in sets)
        {
            if (seen.Add(name))
                definitions.Add(Parse(name, dsl, resolve, setNames, errors));
            else
                errors.Add(new MatrixSetError(name, $"duplicate set name \"{name}\""));
        }
        return definitions;
    }

    private static MatrixSetDefinition Parse(
        string name, string dsl, Func<string, string?> resolve, HashSet<string> setNames, ImmutableArray<MatrixSetError>.Builder errors)
    {
        MatrixDslNode root;
        try
        {
            root = MatrixDslParser.Parse(dsl);
        }
        catch (MatrixDslException e)
        {
            errors.Add(new MatrixSetError(name, $"set \"{name}\": {e.Message}"));
            return new MatrixSetDefinition(name, dsl, null, [], [], false);
        }

        var valid = true;
        var references = new List<string>();
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in Walk(root))
        {
            switch (node)
            {
                case MatrixModelNode { Identifier: var identifier } when !resolved.ContainsKey(identifier) && !unknown.Contains(identifier):
                    if (resolve(identifier) is { } modelId)
                    {
                        resolved[identifier] = modelId;
                        break;
                    }
                    unknown.Add(identifier);
                    errors.Add(new MatrixSetError(name, $"set \"{name}\": unknown var or model \"{identifier}\""));
                    valid = false;
                    break;
                case MatrixReferenceNode { SetName: var referenced } when !references.Contains(referenced):
                    references.Add(referenced);
                    if (!setNames.Contains(referenced))
                    {
                        errors.Add(new MatrixSetError(name, $"set \"{name}\" references undefined set \"{referenced}\""));
                        valid = false;
                    }
                    break;
            }
        }

        return new MatrixSetDefinition(name, dsl, root, [.. references], [.. resolved], valid);
    }

    /// <summary>Pre-order, left to right: the order a reader meets identifiers in the text.</summary>
    private static IEnumerable<MatrixDslNode> Walk(MatrixDslNode node)
    {
        yield return node;
        var operands = node switch
        {
            MatrixAndNode and => and.Operands,
            MatrixOrNode or => or.Operands,
            _ => [],
        };
        foreach (var child in operands.SelectMany(Walk))
            yield return child;
    }
}
