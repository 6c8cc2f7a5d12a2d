using System.Globalization;

namespace LlamaSwap.Rpc.Wire;

/// <summary>How statuses are read off the wire and synthesised when the wire has none.</summary>
internal static class StatusMapping
{
    /// <summary>
    /// Parses <c>grpc-status</c>: a decimal number. Unparseable values and codes this
    /// implementation does not know map to <see cref="StatusCode.Unknown"/> (statuscodes.md).
    /// Returns false only when the header is absent.
    /// </summary>
    public static bool TryParseStatus(string? value, out StatusCode code)
    {
        if (value is null)
        {
            code = StatusCode.Unknown;
            return false;
        }

        code = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number is >= (int)StatusCode.OK and <= (int)StatusCode.Unauthenticated
            ? (StatusCode)number
            : StatusCode.Unknown;
        return true;
    }

    public static string FormatStatus(StatusCode code) => ((int)code).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The status for a response without <c>grpc-status</c>, from its HTTP status
    /// (grpc/grpc doc/http-grpc-status-mapping.md). Used only when grpc-status is missing.
    /// </summary>
    public static StatusCode FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        431 => StatusCode.Internal,
        _ => StatusCode.Unknown,
    };

    /// <summary>The status for a stream reset with an RFC 7540 error code (PROTOCOL-HTTP2.md "Errors").</summary>
    public static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        GrpcProtocolConstants.Http2RefusedStream => StatusCode.Unavailable,
        GrpcProtocolConstants.Http2Cancel => StatusCode.Cancelled,
        GrpcProtocolConstants.Http2EnhanceYourCalm => StatusCode.ResourceExhausted,
        GrpcProtocolConstants.Http2InadequateSecurity => StatusCode.PermissionDenied,
        _ => StatusCode.Internal,
    };
}
