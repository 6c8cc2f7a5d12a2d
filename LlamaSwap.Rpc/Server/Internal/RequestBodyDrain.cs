using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Rpc.Server.Internal;

/// <summary>
/// Reads and discards what is left of a request body after the call was answered early
/// (unknown method, bad frame, message too large).
/// </summary>
/// <remarks>
/// A response that completes before the client's END_STREAM leaves the HTTP/2 stream
/// half-open on the server until the client resets it or a drain timeout passes; Kestrel
/// counts such streams and answers ENHANCE_YOUR_CALM to new ones when there are too many
/// (its rapid-reset defence). Draining a small remainder first lets the stream close
/// cleanly. Bounded in bytes and time, so a client cannot hold the call open with it.
/// </remarks>
internal static class RequestBodyDrain
{
    private static readonly TimeSpan MaxDrainTime = TimeSpan.FromSeconds(1);

    public static async Task DrainAsync(HttpContext httpContext, long maxBytes, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(MaxDrainTime, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var reader = httpContext.Request.BodyReader;
        var remaining = maxBytes;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(linked.Token);
                var length = result.Buffer.Length;
                reader.AdvanceTo(result.Buffer.End);
                remaining -= length;
                if (result.IsCompleted || result.IsCanceled || remaining < 0)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // Reset, aborted, too slow or already completed: Kestrel closes the stream itself.
        }
    }
}
