using LlamaSwap.Proxy.Hosting;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// The <see cref="IRequestActivity"/> the request path reports to: every request becomes an in-flight entry
/// for as long as it runs; POST requests (the inference routes) also become an activity row and, when
/// <c>captureBuffer</c> is set, a capture.
/// </summary>
internal sealed class RequestActivityRecorder(
    InFlightTracker inFlight, ActivityProcessor processor, IProxyConfigProvider config, TimeProvider time) : IRequestActivity
{
    /// <summary>How much of a response body is kept whole for JSON usage parsing when captures are smaller.</summary>
    public const int MinHeadBytes = 1024 * 1024;

    public RequestActivityScope Begin(HttpContext context, string modelId, string requestedName)
    {
        var request = context.Request;
        var path = ActivityPaths.Normalize(request.Path);
        var headers = HeaderSnapshot.Take(request.Headers);
        var entry = inFlight.Add(
            time.GetUtcNow(), modelId, path, request.Method, headers, ActivityPaths.ClientAddress(context), ActivityMetadata.From(context));

        var recorded = HttpMethods.IsPost(request.Method);
        var captureBudget = (long)Math.Max(config.Current.CaptureBufferMb, 0) * 1024 * 1024;
        var body = recorded ? new BodyRecorder((int)Math.Min(int.MaxValue, Math.Max(MinHeadBytes, captureBudget))) : null;
        return new ActivityScope(inFlight, processor, time, context, entry, modelId, path, headers, body, captureBudget);
    }

    private sealed class ActivityScope(
        InFlightTracker inFlight,
        ActivityProcessor processor,
        TimeProvider time,
        HttpContext context,
        InFlightRequest entry,
        string model,
        string path,
        IReadOnlyDictionary<string, string> requestHeaders,
        BodyRecorder? body,
        long captureBudget) : RequestActivityScope
    {
        private readonly long _started = time.GetTimestamp();
        private readonly DateTimeOffset _timestamp = entry.Timestamp;
        private long _firstByte;
        private int _status;
        private string? _contentType;
        private string? _contentEncoding;
        private IReadOnlyDictionary<string, string>? _responseHeaders;
        private byte[]? _requestBody;
        private string? _failure;
        private int _disposed;

        public override CancellationToken Cancelled => entry.Cancellation.Token;

        public override void RequestBody(ReadOnlyMemory<byte> requestBody)
        {
            if (body is not null && captureBudget > 0 && requestBody.Length <= captureBudget
                && CaptureMasks.For(path).HasFlag(CaptureMask.RequestBody))
            {
                _requestBody = requestBody.ToArray();
            }
        }

        public override void ResponseStarted(int statusCode, IHeaderDictionary headers)
        {
            _status = statusCode;
            _contentType = headers.ContentType.ToString();
            _contentEncoding = headers.ContentEncoding.ToString();
            var snapshot = HeaderSnapshot.Take(headers);
            _responseHeaders = snapshot;
            inFlight.ResponseStarted(entry, snapshot);
        }

        public override void ResponseChunk(ReadOnlySpan<byte> chunk)
        {
            if (_firstByte == 0 && !chunk.IsEmpty)
                _firstByte = time.GetTimestamp();
            body?.Append(chunk);
            inFlight.AddResponseBytes(entry, chunk.Length);
        }

        public override void Failed(int statusCode, string message)
        {
            _status = statusCode;
            _failure = message;
        }

        public override ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return ValueTask.CompletedTask;

            inFlight.Remove(entry);
            if (body is not null)
                processor.TryEnqueue(Complete(body));
            return ValueTask.CompletedTask;
        }

        private CompletedRequest Complete(BodyRecorder recorded)
        {
            var status = _status;
            var failure = _failure;
            var response = context.Response;
            if (status == 0 && response.HasStarted)
                status = response.StatusCode;

            var ended = entry.Cancellation.IsCancellationRequested ? "cancelled through the in-flight API"
                : context.RequestAborted.IsCancellationRequested ? "client disconnected"
                : null;
            if (status == 0)
            {
                // Nothing was answered: 499 (client closed request) when the request was abandoned.
                status = ended is null ? StatusCodes.Status500InternalServerError : 499;
                failure ??= ended ?? "the request ended without a response";
            }
            else
            {
                failure ??= ended;
            }

            var now = time.GetTimestamp();
            return new CompletedRequest(
                _timestamp,
                model,
                path,
                status,
                _contentType is { Length: > 0 } contentType ? contentType : response.ContentType ?? "",
                _contentEncoding,
                time.GetElapsedTime(_started, now).TotalMilliseconds,
                _firstByte == 0 ? null : time.GetElapsedTime(_started, _firstByte).TotalMilliseconds,
                recorded.ToArray(),
                !recorded.Truncated,
                requestHeaders,
                _requestBody,
                _responseHeaders,
                failure,
                ActivityMetadata.From(context),
                captureBudget);
        }
    }
}
