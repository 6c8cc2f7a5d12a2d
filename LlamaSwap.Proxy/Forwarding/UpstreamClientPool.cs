using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LlamaSwap.Configuration;

namespace LlamaSwap.Proxy.Forwarding;

/// <summary>
/// One pooled <see cref="SocketsHttpHandler"/> per distinct set of upstream timeouts (most configurations
/// have one or two), shared by every request with those timeouts. No response buffering, no redirects,
/// no cookies, no decompression: the upstream's bytes reach the client as they were sent.
/// </summary>
/// <remarks>
/// <c>timeouts.responseHeader</c> is not a handler setting; the forwarder applies it per request.
/// <c>timeouts.tlsHandshake</c> is covered by the connect timeout, which in .NET includes the TLS handshake.
/// </remarks>
internal sealed class UpstreamClientPool : IDisposable
{
    private readonly ConcurrentDictionary<UpstreamTimeouts, HttpMessageInvoker> _invokers = new();

    public HttpMessageInvoker For(UpstreamTimeouts timeouts) => _invokers.GetOrAdd(timeouts, Create);

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
            invoker.Dispose();
        _invokers.Clear();
    }

    private static HttpMessageInvoker Create(UpstreamTimeouts timeouts)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = timeouts.Connect ?? Timeout.InfiniteTimeSpan,
            Expect100ContinueTimeout = timeouts.ExpectContinue ?? TimeSpan.Zero,
            PooledConnectionIdleTimeout = timeouts.IdleConnection ?? Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context, timeouts.KeepAlive, cancellationToken),
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>Opens the TCP connection with keep-alive probes after <paramref name="keepAlive"/> of silence.</summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, TimeSpan? keepAlive, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (keepAlive is { } interval && interval > TimeSpan.Zero)
            {
                var seconds = Math.Max(1, (int)interval.TotalSeconds);
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, seconds);
            }

            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
