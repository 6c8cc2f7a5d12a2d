namespace LlamaSwap.Configuration.Validation;

/// <summary>Suggests the known key a misspelt one was probably meant to be (<c>tll</c> → <c>ttl</c>).</summary>
internal static class ClosestKey
{
    public static string? Suggest(string key, IEnumerable<string> known)
    {
        var lower = key.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(lower, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var allowed = Math.Max(1, Math.Min(3, key.Length / 3));
        if (bestDistance <= allowed)
        {
            return best;
        }

        // A key that extends a known one (setParamsByID where only setParams exists) is most likely meant as it.
        return known.FirstOrDefault(k => k.Length >= 4 && lower.StartsWith(k.ToLowerInvariant(), StringComparison.Ordinal));
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
