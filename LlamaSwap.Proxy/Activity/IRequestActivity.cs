namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Observes every model-dispatched request for the activity log, captures, in-flight list and
/// metrics. The request path calls <see cref="Begin"/> once the model is resolved and reports into
/// the returned scope; the observer must never block or slow the request (bounded buffers only).
/// </summary>
public interface IRequestActivity
{
    /// <param name="modelId">The resolved model id, or the peer model name.</param>
    /// <param name="requestedName">What the client put in <c>model</c>.</param>
    RequestActivityScope Begin(HttpContext context, string modelId, string requestedName);
}

/// <summary>One request's observation; disposed exactly once when the response is complete or aborted.</summary>
public abstract class RequestActivityScope : IAsyncDisposable
{
    /// <summary>Fires when someone cancels this request through the in-flight API.</summary>
    public abstract CancellationToken Cancelled { get; }

    /// <summary>The request body as sent upstream (after filters), for captures; may be called with a prefix only.</summary>
    public abstract void RequestBody(ReadOnlyMemory<byte> body);

    public abstract void ResponseStarted(int statusCode, IHeaderDictionary headers);

    /// <summary>A chunk as it is written to the client (a copy is kept only within the capture budget).</summary>
    public abstract void ResponseChunk(ReadOnlySpan<byte> chunk);

    /// <summary>An error the Proxy itself answered with (before or instead of an upstream response).</summary>
    public abstract void Failed(int statusCode, string message);

    public abstract ValueTask DisposeAsync();
}
