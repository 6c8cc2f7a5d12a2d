using System.Net.Sockets;
using System.Text;

namespace LlamaSwap.Tests.Ui;

/// <summary>
/// A browser tab that stopped reading: a raw HTTP/1.1 GET on a streaming route whose response is never
/// read, with a small receive buffer so the server's writes back up after a few kilobytes.
/// </summary>
internal sealed class StalledClient : IDisposable
{
    private readonly Socket _socket;

    private StalledClient(Socket socket) => _socket = socket;

    public static async Task<StalledClient> OpenAsync(Uri baseAddress, string pathAndQuery, string? apiKey = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(baseAddress.Host, baseAddress.Port, TestContext.Current.CancellationToken);
        var request = new StringBuilder()
            .Append($"GET {pathAndQuery} HTTP/1.1\r\n")
            .Append($"Host: {baseAddress.Authority}\r\n")
            .Append("Accept: text/event-stream\r\n");
        if (apiKey is not null)
            request.Append($"Authorization: Bearer {apiKey}\r\n");
        request.Append("\r\n");
        await socket.SendAsync(Encoding.ASCII.GetBytes(request.ToString()), SocketFlags.None, TestContext.Current.CancellationToken);
        return new StalledClient(socket);
    }

    /// <summary>Bytes the kernel holds for us unread; the server cannot send more than fits here and in its own buffer.</summary>
    public int Unread => _socket.Available;

    public void Dispose() => _socket.Dispose();
}
