namespace LlamaSwap.Rpc.Wire;

internal static class GrpcContentType
{
    /// <summary>
    /// <c>application/grpc</c>, optionally followed by a <c>+suffix</c> (<c>+proto</c>,
    /// <c>+json</c>…) or parameters; case-insensitive, like any media type.
    /// </summary>
    public static bool IsGrpc(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(GrpcProtocolConstants.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == GrpcProtocolConstants.ContentType.Length
            || contentType[GrpcProtocolConstants.ContentType.Length] is '+' or ';';
    }
}
