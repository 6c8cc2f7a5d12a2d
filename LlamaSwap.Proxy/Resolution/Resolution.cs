using LlamaSwap.Proxy.Errors;

namespace LlamaSwap.Proxy.Resolution;

/// <summary>A resolved model with the selector lease to release when the request ends, or the error to answer.</summary>
internal sealed record Resolution(ResolvedModel? Model, ProxyError? Error, IDisposable? SelectorLease)
{
    public static Resolution Failed(ProxyError error) => new(null, error, null);
}
