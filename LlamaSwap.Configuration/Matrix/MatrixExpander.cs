namespace LlamaSwap.Configuration.Matrix;

/// <summary>
/// Expands a resolved expression into the distinct model combinations it allows, in order of first
/// appearance (an AND enumerates its left operand's choices in the outer loop). Gives up, rather than
/// hanging, as soon as any sub-expression would produce more than <paramref name="limit"/> combinations.
/// </summary>
/// <param name="modelIndexOf">Identifier as written → index of the model it resolves to.</param>
/// <param name="referenced">Already expanded sets, by name, for <c>+name</c> references.</param>
internal sealed class MatrixExpander(
    IReadOnlyDictionary<string, int> modelIndexOf,
    int modelCount,
    IReadOnlyDictionary<string, IReadOnlyList<ModelBits>> referenced,
    int limit)
{
    /// <returns>False when the limit was exceeded.</returns>
    public bool TryExpand(MatrixDslNode node, out IReadOnlyList<ModelBits> expansions)
    {
        switch (node)
        {
            case MatrixModelNode model:
                expansions = [ModelBits.Single(modelCount, modelIndexOf[model.Identifier])];
                return true;
            case MatrixReferenceNode reference:
                expansions = referenced[reference.SetName];
                return true;
            case MatrixOrNode or:
                return TryExpandOr(or, out expansions);
            case MatrixAndNode and:
                return TryExpandAnd(and, out expansions);
            default:
                throw new ArgumentOutOfRangeException(nameof(node), node, "unknown matrix expression node");
        }
    }

    /// <summary>Drops every combination that is a strict subset of another: it can never be the cheaper choice.</summary>
    /// <param name="expansions">Distinct combinations; their order is kept.</param>
    public static List<ModelBits> DropDominated(IReadOnlyList<ModelBits> expansions)
    {
        var counts = expansions.Select(e => e.Count).ToArray();
        var kept = new List<ModelBits>(expansions.Count);
        for (var i = 0; i < expansions.Count; i++)
        {
            var dominated = false;
            for (var j = 0; j < expansions.Count && !dominated; j++)
                dominated = counts[j] > counts[i] && expansions[i].IsSubsetOf(expansions[j]);
            if (!dominated)
                kept.Add(expansions[i]);
        }
        return kept;
    }

    private bool TryExpandOr(MatrixOrNode or, out IReadOnlyList<ModelBits> expansions)
    {
        var result = new DistinctList(limit);
        expansions = result.Items;
        foreach (var operand in or.Operands)
        {
            if (!TryExpand(operand, out var alternatives))
                return false;
            foreach (var alternative in alternatives)
            {
                if (!result.TryAdd(alternative))
                    return false;
            }
        }
        return true;
    }

    private bool TryExpandAnd(MatrixAndNode and, out IReadOnlyList<ModelBits> expansions)
    {
        IReadOnlyList<ModelBits> combined = [ModelBits.Empty(modelCount)];
        expansions = combined;
        foreach (var operand in and.Operands)
        {
            if (!TryExpand(operand, out var choices))
                return false;
            var next = new DistinctList(limit);
            foreach (var left in combined)
            {
                foreach (var right in choices)
                {
                    if (!next.TryAdd(left.Union(right)))
                        return false;
                }
            }
            combined = next.Items;
        }
        expansions = combined;
        return true;
    }

    private sealed class DistinctList(int limit)
    {
        private readonly HashSet<ModelBits> _seen = [];
        private readonly List<ModelBits> _items = [];

        public IReadOnlyList<ModelBits> Items => _items;

        public bool TryAdd(ModelBits bits)
        {
            if (_seen.Add(bits))
                _items.Add(bits);
            return _items.Count <= limit;
        }
    }
}
