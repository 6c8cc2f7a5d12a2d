using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Resolution;

namespace LlamaSwap.Proxy.Routing;

/// <summary>
/// Splits <c>/upstream/{model...}/{path}</c>: the longest leading run of path segments that names a
/// local model id or alias or a peer model (after the active profile's pins, longest pin first), and
/// the rest of the path with its original percent-encoding. Segments are decoded only to compare
/// names, so <c>author%2Fmodel</c> and <c>author/model</c> both name <c>author/model</c>.
/// </summary>
internal sealed record UpstreamPathMatch(string Name, string ModelSegmentsRaw, string? RemainderRaw)
{
    /// <summary>True when the path is exactly the model (no trailing slash): llama-swap redirects to add one.</summary>
    public bool NeedsTrailingSlash => RemainderRaw is null;

    /// <param name="raw">The path after <c>/upstream/</c>, percent-encoding intact.</param>
    /// <param name="disabledPin">Set when the longest matching pin disables the name.</param>
    public static UpstreamPathMatch? Find(string raw, RoutingTable table, ProfileConfig? profile, out string? disabledPin)
    {
        disabledPin = null;
        var segments = raw.Split('/');
        if (profile is not null)
        {
            for (var count = segments.Length; count >= 1; count--)
            {
                var candidate = DecodedName(segments, count);
                if (!profile.Pins.TryGetValue(candidate, out var target))
                    continue;
                if (target.Length == 0)
                {
                    disabledPin = candidate;
                    return null;
                }

                return table.IsRoutable(target) ? Create(target, segments, count) : null;
            }
        }

        for (var count = segments.Length; count >= 1; count--)
        {
            var candidate = DecodedName(segments, count);
            if (candidate.Length > 0 && table.IsRoutable(candidate))
                return Create(candidate, segments, count);
        }

        return null;
    }

    private static string DecodedName(string[] segments, int count) => Uri.UnescapeDataString(string.Join('/', segments, 0, count));

    private static UpstreamPathMatch Create(string name, string[] segments, int count) => new(
        name,
        string.Join('/', segments, 0, count),
        count == segments.Length ? null : "/" + string.Join('/', segments, count, segments.Length - count));
}
