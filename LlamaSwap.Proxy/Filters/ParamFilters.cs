using System.Collections.Immutable;
using System.Text.Json;
using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Filters;

/// <summary>
/// The body filters that apply to one request: <c>stripParams</c>, <c>setParams</c> and the
/// <c>setParamsByID</c> entry of the name the request resolved through (models only; peers have no
/// setParamsByID). Paths use dots for nested fields.
/// </summary>
internal sealed record ParamFilters(
    ImmutableArray<string> Strip,
    ImmutableSortedDictionary<string, JsonElement> Set,
    ImmutableSortedDictionary<string, JsonElement>? SetById)
{
    public static readonly ParamFilters None = new([], ImmutableSortedDictionary<string, JsonElement>.Empty, null);

    public bool IsEmpty => Strip.IsEmpty && Set.IsEmpty && (SetById is null || SetById.IsEmpty);

    public static ParamFilters For(ModelFilters filters, string requestedName) => new(
        filters.StripParams,
        filters.SetParams,
        filters.SetParamsById.GetValueOrDefault(requestedName));
}
