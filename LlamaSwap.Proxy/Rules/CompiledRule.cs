using System.Text.RegularExpressions;
using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Rules;

/// <summary>A routing rule with its patterns compiled once per configuration.</summary>
internal sealed class CompiledRule(RouteRuleConfig config)
{
    // A pattern from the configuration runs on every request: bound it so a pathological one cannot stall them.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    private readonly Regex? _modelPattern = Compile(config.Match.ModelPattern);
    private readonly Regex? _pathPattern = Compile(config.Match.PathPattern);

    public RouteRuleConfig Config => config;

    public string Name => config.Name;

    /// <summary>Every condition the rule gives holds for this request (a rule without conditions matches all).</summary>
    public bool Matches(string model, HttpRequest request)
    {
        var match = config.Match;
        if (match.Model is { } exact && !string.Equals(exact, model, StringComparison.Ordinal))
            return false;
        if (_modelPattern is not null && !IsMatch(_modelPattern, model))
            return false;
        var path = request.Path.Value ?? "";
        if (match.Path is { } exactPath && !string.Equals(exactPath, path, StringComparison.Ordinal))
            return false;
        if (_pathPattern is not null && !IsMatch(_pathPattern, path))
            return false;
        foreach (var (name, value) in match.Headers)
        {
            if (!request.Headers.TryGetValue(name, out var values) || !values.Any(v => string.Equals(v, value, StringComparison.Ordinal)))
                return false;
        }

        return true;
    }

    private static Regex? Compile(string? pattern) =>
        pattern is null ? null : new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);

    private static bool IsMatch(Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
