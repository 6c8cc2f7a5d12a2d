using LlamaSwap.Proxy.Errors;
using LlamaSwap.Rpc;

namespace LlamaSwap.Proxy.Supervision;

/// <summary>
/// How a failed Acquire becomes an HTTP answer. Codes follow the contract in <c>supervisor.proto</c>;
/// the wording follows llama-swap where it has one.
/// </summary>
internal static class SupervisorErrors
{
    public static ProxyError ToProxyError(RpcException exception, Uri supervisor) => exception.StatusCode switch
    {
        // Also the answer while the Proxy knows a model the Supervisor has not loaded yet (between two reloads).
        StatusCode.NotFound => ProxyError.UnknownModel(),
        StatusCode.ResourceExhausted => ProxyError.TooManyRequests(),
        StatusCode.InvalidArgument => new ProxyError(400, exception.Detail),
        // A transport failure (no server status) means the Supervisor itself could not be reached.
        StatusCode.Unavailable when exception.InnerException is not null => ProxyError.SupervisorUnreachable(supervisor, exception.Detail),
        StatusCode.DeadlineExceeded => new ProxyError(504, $"unspecific error: {exception.Detail}"),
        // Start failures, unloads while waiting, Supervisor shutdown: llama-swap's 500 "unspecific error: …".
        _ => ProxyError.Unspecific(exception.Detail),
    };
}
