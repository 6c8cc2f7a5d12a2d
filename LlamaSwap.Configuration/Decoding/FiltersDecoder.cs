using System.Collections.Immutable;
using System.Text.Json;
using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary><c>filters:</c> of a model (stripParams, setParams, setParamsByID) or of a peer (no setParamsByID).</summary>
internal static class FiltersDecoder
{
    private const string ProtectedParam = "model";

    public static ModelFilters Decode(Section parent, bool allowById)
    {
        if (parent.Child(Keys.Filters, allowById ? Keys.ModelFilters : Keys.PeerFilters) is not { } filters)
        {
            return new ModelFilters();
        }

        var strip = filters.String(Keys.StripParams) ?? "";
        if (strip.Length == 0)
        {
            // The spelling llama-swap accepted before stripParams; used only when stripParams is empty.
            strip = filters.String(Keys.LegacyStripParams) ?? "";
        }

        var result = new ModelFilters
        {
            StripParams = [.. strip.Split(',').Select(p => p.Trim()).Where(p => p.Length > 0 && p != ProtectedParam)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            SetParams = Params(filters.Value(Keys.SetParams), filters.PathOf(Keys.SetParams), filters) ?? new ModelFilters().SetParams,
        };

        if (!allowById || filters.Child(Keys.SetParamsById, knownKeys: null) is not { } byId)
        {
            return result;
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, JsonElement>>(StringComparer.Ordinal);
        foreach (var entry in byId.Entries)
        {
            if (Params(entry.Value, byId.PathOf(entry.Name), byId) is { } values)
            {
                builder[entry.Name] = values;
            }
        }

        return result with { SetParamsById = builder.ToImmutable() };
    }

    private static ImmutableSortedDictionary<string, JsonElement>? Params(YamlNode? node, string path, Section owner)
    {
        if (Section.Open(node, path, owner.Node.Start, owner.Diagnostics, knownKeys: null) is not { } section)
        {
            return null;
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var entry in section.Entries)
        {
            if (entry.Name == ProtectedParam)
            {
                section.Diagnostics.Warning(entry.Key, section.PathOf(entry.Name), "'model' cannot be overridden by filters; ignored");
                continue;
            }

            builder[entry.Name] = YamlJson.ToJson(entry.Value);
        }

        return builder.ToImmutable();
    }
}
