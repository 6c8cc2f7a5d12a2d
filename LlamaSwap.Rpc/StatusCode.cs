namespace LlamaSwap.Rpc;

/// <summary>
/// The gRPC status codes (grpc/grpc doc/statuscodes.md). The numeric values are the
/// wire values of <c>grpc-status</c> and must never change.
/// </summary>
public enum StatusCode
{
    /// <summary>Success.</summary>
    OK = 0,
    /// <summary>The caller cancelled; generated on client cancel or server RST_STREAM.</summary>
    Cancelled = 1,
    /// <summary>A handler threw a non-RPC exception, or a status could not be parsed.</summary>
    Unknown = 2,
    /// <summary>Bad input regardless of system state.</summary>
    InvalidArgument = 3,
    /// <summary>The deadline expired before the call completed.</summary>
    DeadlineExceeded = 4,
    /// <summary>An entity the call names does not exist.</summary>
    NotFound = 5,
    /// <summary>A create conflicted with an existing entity.</summary>
    AlreadyExists = 6,
    /// <summary>The caller is identified but not allowed.</summary>
    PermissionDenied = 7,
    /// <summary>A quota or capacity is exhausted, or a message is too large.</summary>
    ResourceExhausted = 8,
    /// <summary>The system is not in the required state; do not retry until it is fixed.</summary>
    FailedPrecondition = 9,
    /// <summary>A concurrency conflict; retry at a higher level.</summary>
    Aborted = 10,
    /// <summary>Past the valid range.</summary>
    OutOfRange = 11,
    /// <summary>Method or service not found, or an unsupported compression.</summary>
    Unimplemented = 12,
    /// <summary>Broken invariants, framing or parse errors.</summary>
    Internal = 13,
    /// <summary>Transient: connection broken or server shutting down; idempotent calls may be retried.</summary>
    Unavailable = 14,
    /// <summary>Unrecoverable data loss.</summary>
    DataLoss = 15,
    /// <summary>Missing or invalid credentials.</summary>
    Unauthenticated = 16,
}
