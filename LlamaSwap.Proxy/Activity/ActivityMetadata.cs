namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// How the request path passes per-request metadata (llama-swap's <c>selector</c>, <c>fifo_priority</c>, …)
/// to the activity log and the in-flight list: an <c>IReadOnlyDictionary&lt;string, string&gt;</c> (or
/// <c>IDictionary</c>) in <c>HttpContext.Items[ActivityMetadata.ItemsKey]</c>. Read when the request begins
/// (in-flight entry) and when it ends (activity row).
/// </summary>
public static class ActivityMetadata
{
    public const string ItemsKey = "LlamaSwap.Activity.Metadata";

    internal static IReadOnlyDictionary<string, string>? From(HttpContext context) =>
        context.Items.TryGetValue(ItemsKey, out var value)
            ? value switch
            {
                IReadOnlyDictionary<string, string> { Count: > 0 } readOnly => new Dictionary<string, string>(readOnly, StringComparer.Ordinal),
                IDictionary<string, string> { Count: > 0 } mutable => new Dictionary<string, string>(mutable, StringComparer.Ordinal),
                _ => null,
            }
            : null;
}
