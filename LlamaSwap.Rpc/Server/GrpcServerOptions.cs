using LlamaSwap.Rpc.Wire;

namespace LlamaSwap.Rpc.Server;

/// <summary>Limits and diagnostics of the gRPC server transport.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>
    /// Largest request message accepted, in bytes; larger ones end the call with
    /// RESOURCE_EXHAUSTED before the payload is buffered. Default 4 MiB.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocolConstants.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message a handler may send; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// When true, the status of a handler's unexpected exception includes the exception
    /// message. Off by default: a peer should never see server internals.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }
}
