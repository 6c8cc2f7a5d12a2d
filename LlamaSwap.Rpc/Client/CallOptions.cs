namespace LlamaSwap.Rpc.Client;

/// <summary>Per-call settings.</summary>
/// <param name="Headers">Custom metadata sent with the request.</param>
/// <param name="Deadline">
/// When the caller stops waiting: sent as <c>grpc-timeout</c> and enforced locally, failing
/// the call with DEADLINE_EXCEEDED. Null for no deadline (then set one for anything that
/// could block, like a health check).
/// </param>
/// <param name="CancellationToken">Cancels the call (RST_STREAM to the server); the call fails with CANCELLED.</param>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTimeOffset? Deadline = null,
    CancellationToken CancellationToken = default);
