using System.Net;
using System.Net.Sockets;
using LlamaSwap.Rpc.Wire;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Rpc.Server.Internal;

/// <summary>The server's mapping of gRPC onto an ASP.NET Core HTTP/2 exchange.</summary>
internal static class ServerProtocol
{
    /// <summary>
    /// Writes the status: into the trailers when the response has started, otherwise into
    /// the headers, which makes the response Trailers-Only (PROTOCOL-HTTP2.md "Responses").
    /// </summary>
    public static void WriteStatus(HttpResponse response, StatusCode code, string detail, Metadata? trailers = null, Metadata? moreTrailers = null)
    {
        if (!response.HasStarted)
        {
            response.ContentType = GrpcProtocolConstants.ContentType;
            var headers = response.Headers;
            headers[GrpcProtocolConstants.StatusHeader] = StatusMapping.FormatStatus(code);
            if (detail.Length > 0)
            {
                headers[GrpcProtocolConstants.MessageHeader] = PercentEncoding.Encode(detail);
            }

            AppendMetadata(trailers, (name, value) => headers.Append(name, value));
            AppendMetadata(moreTrailers, (name, value) => headers.Append(name, value));
            return;
        }

        response.AppendTrailer(GrpcProtocolConstants.StatusHeader, StatusMapping.FormatStatus(code));
        if (detail.Length > 0)
        {
            response.AppendTrailer(GrpcProtocolConstants.MessageHeader, PercentEncoding.Encode(detail));
        }

        AppendMetadata(trailers, (name, value) => response.AppendTrailer(name, value));
        AppendMetadata(moreTrailers, (name, value) => response.AppendTrailer(name, value));
    }

    /// <summary>The caller's custom metadata: every header except pseudo-headers and protocol headers.</summary>
    public static Metadata ReadMetadata(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers)
        {
            if (name.StartsWith(':') || GrpcProtocolConstants.FilteredRequestHeaders.Contains(name))
            {
                continue;
            }

            var key = name.ToLowerInvariant();
            var binary = MetadataValidation.IsBinaryKey(key);
            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                if (!binary)
                {
                    metadata.AddReceived(key, value, null);
                }
                else if (MetadataValidation.TryDecodeBinary(value, out var bytes))
                {
                    metadata.AddReceived(key, null, bytes);
                }

                // An undecodable -bin value is dropped: the handler could not use it either.
            }
        }

        return metadata;
    }

    /// <summary>gRPC's peer notation: <c>ipv4:127.0.0.1:5000</c>, <c>ipv6:[::1]:5000</c>.</summary>
    public static string FormatPeer(ConnectionInfo connection) => connection.RemoteIpAddress switch
    {
        null => string.Empty,
        { AddressFamily: AddressFamily.InterNetworkV6 } address => $"ipv6:[{address}]:{connection.RemotePort}",
        IPAddress address => $"ipv4:{address}:{connection.RemotePort}",
    };

    private static void AppendMetadata(Metadata? metadata, Action<string, string> append)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var entry in metadata)
        {
            append(entry.Key, entry.ValueBytes is { } bytes ? MetadataValidation.EncodeBinary(bytes) : entry.Value!);
        }
    }
}
