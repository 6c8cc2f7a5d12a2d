using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using LlamaSwap.Rpc.Wire;

namespace LlamaSwap.Tests.Rpc.Infrastructure;

/// <summary>
/// gRPC at the byte level over a real HTTP/2 connection, for asserting exactly what the
/// server puts on the wire (grpc-dotnet's functional tests do the same).
/// </summary>
internal static class RawGrpc
{
    public static HttpClient CreateClient(Uri address) => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static HttpRequestMessage Request(string path, byte[] body, string contentType = GrpcProtocolConstants.ContentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation(GrpcProtocolConstants.TeHeader, GrpcProtocolConstants.TeTrailers);
        return request;
    }

    public static async Task<RawResponse> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var messages = new List<byte[]>();
        var buffer = new ReadOnlySequence<byte>(body);
        while (MessageFraming.TryReadMessage(ref buffer, int.MaxValue, out _, out var payload) == FrameReadStatus.Message)
        {
            messages.Add(payload.ToArray());
        }

        return new RawResponse(
            (int)response.StatusCode,
            response.Version,
            Flatten(response.Headers, response.Content.Headers),
            Flatten(response.TrailingHeaders),
            messages,
            buffer.Length);
    }

    private static Dictionary<string, string> Flatten(params HttpHeaders[] headers) =>
        headers.SelectMany(h => h).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
}

/// <param name="LeftoverBytes">Body bytes after the last whole message; nonzero means broken framing.</param>
internal sealed record RawResponse(
    int HttpStatus,
    Version Version,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Trailers,
    IReadOnlyList<byte[]> Messages,
    long LeftoverBytes)
{
    public bool IsTrailersOnly => Headers.ContainsKey(GrpcProtocolConstants.StatusHeader);

    /// <summary>The status wherever the server put it (trailers, or headers for Trailers-Only).</summary>
    public string? Status => Trailers.GetValueOrDefault(GrpcProtocolConstants.StatusHeader) ?? Headers.GetValueOrDefault(GrpcProtocolConstants.StatusHeader);

    public string? Message => Trailers.GetValueOrDefault(GrpcProtocolConstants.MessageHeader) ?? Headers.GetValueOrDefault(GrpcProtocolConstants.MessageHeader);
}
