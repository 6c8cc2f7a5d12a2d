namespace LlamaSwap.Rpc.Wire;

/// <summary>
/// Every string and number the gRPC-over-HTTP/2 wire protocol fixes
/// (grpc/grpc doc/PROTOCOL-HTTP2.md), in one place so the code stays greppable.
/// </summary>
internal static class GrpcProtocolConstants
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";

    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string MessageTypeHeader = "grpc-message-type";
    public const string StatusDetailsHeader = "grpc-status-details-bin";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string UserAgentHeader = "user-agent";
    public const string UpgradeHeader = "upgrade";
    public const string ContentTypeHeader = "content-type";

    /// <summary>W3C Trace Context headers, carried as ordinary call metadata.</summary>
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    public const string IdentityEncoding = "identity";
    public const string UserAgent = "grpc-llamaswap/1.0";
    public const string Http2Upgrade = "HTTP/2";

    public const string ReservedHeaderPrefix = "grpc-";
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>Compressed-Flag (1 byte) + Message-Length (4 bytes, big-endian).</summary>
    public const int MessageHeaderSize = 5;

    /// <summary>grpc-dotnet's and grpc-core's default receive limit.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>At most eight digits in a <c>grpc-timeout</c> value.</summary>
    public const long MaxTimeoutValue = 99_999_999;

    /// <summary>Servers cap deadlines here (grpc-dotnet MaxDeadlineTicks): 99 999 999 seconds.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(MaxTimeoutValue);

    /// <summary>RFC 7540 §7 error codes used in RST_STREAM.</summary>
    public const int Http2NoError = 0x0;
    public const int Http2ProtocolError = 0x1;
    public const int Http2InternalError = 0x2;
    public const int Http2FlowControlError = 0x3;
    public const int Http2SettingsTimeout = 0x4;
    public const int Http2StreamClosed = 0x5;
    public const int Http2FrameSizeError = 0x6;
    public const int Http2RefusedStream = 0x7;
    public const int Http2Cancel = 0x8;
    public const int Http2CompressionError = 0x9;
    public const int Http2ConnectError = 0xa;
    public const int Http2EnhanceYourCalm = 0xb;
    public const int Http2InadequateSecurity = 0xc;
    public const int Http2Http11Required = 0xd;

    /// <summary>
    /// Request headers that are protocol, not application metadata; never handed to
    /// handlers (grpc-dotnet GrpcProtocolConstants.FilteredHeaders). Pseudo-headers
    /// (<c>:path</c> …) are filtered separately.
    /// </summary>
    public static readonly HashSet<string> FilteredRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        EncodingHeader,
        AcceptEncodingHeader,
        TimeoutHeader,
        MessageTypeHeader,
        "content-encoding",
        ContentTypeHeader,
        TeHeader,
        "host",
        "accept-encoding",
        "content-length",
    };

    /// <summary>Status details the library itself generates; handlers choose their own.</summary>
    public static class Messages
    {
        public const string MethodUnimplemented = "Method is unimplemented.";
        public const string ServiceUnimplemented = "Service is unimplemented.";
        public const string DeadlineExceeded = "Deadline Exceeded";
        public const string CancelledByClient = "Call canceled by the client.";
        public const string ServerShuttingDown = "Server is shutting down.";
        public const string HandlerException = "Exception was thrown by handler.";
        public const string NoMessage = "Request did not contain a message.";
        public const string IncompleteMessage = "Incomplete message.";
        public const string AdditionalData = "Additional data after the message received.";
        public const string ReceiveTooLarge = "Received message exceeds the maximum configured message size.";
        public const string SendTooLarge = "Sending message exceeds the maximum configured message size.";
        public const string DeserializeRequest = "Failed to deserialize request message.";
        public const string DeserializeResponse = "Failed to deserialize response message.";
        public const string CompressedWithoutEncoding = "Request sent a compressed message without a grpc-encoding header.";
        public const string NoStatus = "No grpc-status found on response.";
        public const string ProtocolDowngraded = "Bad gRPC response. Response protocol downgraded to HTTP/1.1.";
    }
}
