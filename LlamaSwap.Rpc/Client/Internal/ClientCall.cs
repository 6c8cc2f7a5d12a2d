using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Google.Protobuf;
using LlamaSwap.Rpc.Wire;

namespace LlamaSwap.Rpc.Client.Internal;

/// <summary>
/// One client call over HTTP/2: sends the request, validates the response headers, reads
/// length-prefixed messages as they arrive and, at the end of the body, the status from the
/// trailers. Every failure becomes an <see cref="RpcException"/>. Reads must not overlap.
/// </summary>
internal sealed class ClientCall<TResponse> : IDisposable
    where TResponse : class
{
    private readonly GrpcChannel _channel;
    private readonly string _path;
    private readonly IMessage _request;
    private readonly MessageParser _parser;
    private readonly CallOptions _options;
    // Never disposed: no timer or link hangs off it (the deadline timer and the caller's
    // token registration are separate and disposed), and operations still in flight after
    // Dispose may touch its token.
    private readonly CancellationTokenSource _cancellation = new();
    private readonly CancellationTokenRegistration _callerRegistration;
    private ITimer? _deadlineTimer;
    private volatile bool _deadlineExpired;
    private volatile bool _cancelledByCaller;
    private volatile bool _released;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private RpcException? _failure;
    private bool _finished;
    private int _disposed;

    // Who may touch the pipe reader: idle, a read in progress, or completed by Dispose.
    private const int ReaderIdle = 0;
    private const int ReaderReading = 1;
    private const int ReaderClosed = 2;
    private int _readerState;

    public ClientCall(GrpcChannel channel, string path, IMessage request, MessageParser parser, CallOptions options)
    {
        _channel = channel;
        _path = path;
        _request = request;
        _parser = parser;
        _options = options;
        _callerRegistration = options.CancellationToken.Register(static call => ((ClientCall<TResponse>)call!).CancelByCaller(), this);
    }

    /// <summary>The server's trailers once the call has ended with a status; null before.</summary>
    public Metadata? Trailers { get; private set; }

    public async Task StartAsync()
    {
        try
        {
            var timeout = StartDeadline();
            using var request = CreateRequest(timeout);
            var response = await _channel.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _cancellation.Token);
            Volatile.Write(ref _response, response);
            if (_cancellation.IsCancellationRequested)
            {
                // Cancelled or disposed while the request was in flight: nobody else will end this stream.
                response.Dispose();
                throw new OperationCanceledException(_cancellation.Token);
            }

            if (ValidateHeaders(response) is { } status)
            {
                Finish(status);
                return;
            }

            var body = await response.Content.ReadAsStreamAsync(_cancellation.Token);
            _reader = PipeReader.Create(body);
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    /// <summary>The next message, or null when the server ended the call with OK.</summary>
    public async ValueTask<TResponse?> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        if (_finished)
        {
            return null;
        }

        var reader = _reader ?? throw new InvalidOperationException("The call has not started.");
        switch (Interlocked.CompareExchange(ref _readerState, ReaderReading, ReaderIdle))
        {
            case ReaderReading:
                throw new InvalidOperationException("A previous read on this call has not completed; reads must not overlap.");
            case ReaderClosed:
                throw Fail(new ObjectDisposedException(nameof(ServerStreamingCall<>)));
        }

        try
        {
            while (true)
            {
                if (_released)
                {
                    return null;
                }

                var result = await reader.ReadAsync(_cancellation.Token);
                if (result.IsCanceled && _released)
                {
                    // Release (below) woke this read without an exception; what arrived stays unread.
                    reader.AdvanceTo(result.Buffer.Start);
                    return null;
                }

                var buffer = result.Buffer;
                var frame = MessageFraming.TryReadMessage(ref buffer, _channel.Options.MaxReceiveMessageSize, out var compressed, out var payload);
                switch (frame)
                {
                    case FrameReadStatus.Message when compressed:
                        // No grpc-accept-encoding beyond identity was offered, so this is a protocol error.
                        throw new RpcException(StatusCode.Internal, "The server sent a compressed message although only identity encoding was accepted.");
                    case FrameReadStatus.Message:
                        var message = Parse(payload);
                        reader.AdvanceTo(buffer.Start);
                        return message;
                    case FrameReadStatus.MessageTooLarge:
                        throw new RpcException(StatusCode.ResourceExhausted, GrpcProtocolConstants.Messages.ReceiveTooLarge);
                    case FrameReadStatus.InvalidCompressedFlag:
                        throw new RpcException(StatusCode.Internal, "Invalid compressed flag in response message header; expected 0 or 1.");
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw new RpcException(StatusCode.Internal, GrpcProtocolConstants.Messages.IncompleteMessage);
                    }

                    reader.AdvanceTo(buffer.End);
                    Finish(ReadStatus(_response!.TrailingHeaders) ?? ReadStatus(_response.Headers) ?? new CallStatus(StatusCode.Cancelled, GrpcProtocolConstants.Messages.NoStatus, new Metadata()));
                    return null;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
        finally
        {
            Volatile.Write(ref _readerState, ReaderIdle);
            if (Volatile.Read(ref _disposed) == 1)
            {
                CloseReader();
            }
        }
    }

    /// <summary>
    /// The caller is done with the call and will dispose it next: a read in progress (or the next one) returns
    /// null at once instead of failing, so ending a long-lived stream (an Acquire lease, once per proxied request)
    /// throws nothing in this library. <see cref="Dispose"/> then resets the stream as usual.
    /// </summary>
    public void Release()
    {
        _cancelledByCaller = true;
        _released = true;

        // A pending ReadAsync returns a cancelled result rather than throwing; with none pending, the next one does.
        // On a thread-pool thread: waking the read runs the HTTP/2 stream's cancellation, which captures the stack it
        // runs on, and the caller's (a whole request pipeline) is deep: capturing it cost tens of KB per release.
        if (_reader is { } reader)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static r => r.CancelPendingRead(), reader, preferLocal: false);
        }
    }

    /// <summary>Cancels the call because the caller asked to (a read's token, or disposal).</summary>
    public void CancelByCaller()
    {
        _cancelledByCaller = true;
        CancelSafely();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_finished)
        {
            _cancelledByCaller = true;
            CancelSafely();
        }

        _deadlineTimer?.Dispose();
        _callerRegistration.Dispose();

        // An unfinished call was reset by CancelSafely above: the server's handler sees its
        // token fire, which is what releases an Acquire lease.
        CloseReader();
        Volatile.Read(ref _response)?.Dispose();
    }

    /// <summary>Completes the pipe reader unless a read is using it (that read closes it when it ends).</summary>
    private void CloseReader()
    {
        if (Interlocked.CompareExchange(ref _readerState, ReaderClosed, ReaderIdle) == ReaderIdle)
        {
            _reader?.Complete();
        }
    }

    private TimeSpan? StartDeadline()
    {
        if (_options.Deadline is not { } deadline)
        {
            return null;
        }

        var remaining = deadline - _channel.Options.TimeProvider.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            _deadlineExpired = true;
            throw new RpcException(StatusCode.DeadlineExceeded, GrpcProtocolConstants.Messages.DeadlineExceeded);
        }

        _deadlineTimer = _channel.Options.TimeProvider.CreateTimer(
            static state =>
            {
                var call = (ClientCall<TResponse>)state!;
                call._deadlineExpired = true;
                call.CancelSafely();
            },
            this,
            remaining,
            Timeout.InfiniteTimeSpan);
        return remaining;
    }

    private HttpRequestMessage CreateRequest(TimeSpan? timeout)
    {
        var content = new ByteArrayContent(MessageFraming.Frame(_request));
        content.Headers.TryAddWithoutValidation(GrpcProtocolConstants.ContentTypeHeader, GrpcProtocolConstants.ContentType);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };

        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocolConstants.TeHeader, GrpcProtocolConstants.TeTrailers);
        headers.TryAddWithoutValidation(GrpcProtocolConstants.UserAgentHeader, GrpcProtocolConstants.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocolConstants.AcceptEncodingHeader, GrpcProtocolConstants.IdentityEncoding);
        if (timeout is { } value)
        {
            headers.TryAddWithoutValidation(GrpcProtocolConstants.TimeoutHeader, GrpcTimeout.Format(value));
        }

        if (_options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                headers.TryAddWithoutValidation(entry.Key, entry.ValueBytes is { } bytes ? MetadataValidation.EncodeBinary(bytes) : entry.Value);
            }
        }

        // One trace from Proxy through Supervisor: the caller's activity travels as W3C
        // Trace Context unless the caller set it explicitly.
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity && !headers.Contains(GrpcProtocolConstants.TraceParentHeader))
        {
            headers.TryAddWithoutValidation(GrpcProtocolConstants.TraceParentHeader, activity.Id);
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                headers.TryAddWithoutValidation(GrpcProtocolConstants.TraceStateHeader, activity.TraceStateString);
            }
        }

        return request;
    }

    /// <summary>The status the headers already decide (Trailers-Only, HTTP errors, bad responses), or null to read the body.</summary>
    private static CallStatus? ValidateHeaders(HttpResponseMessage response)
    {
        if (response.Version.Major < 2)
        {
            return new CallStatus(StatusCode.Internal, GrpcProtocolConstants.Messages.ProtocolDowngraded, new Metadata());
        }

        // grpc-status in the headers: Trailers-Only. It wins over the HTTP status.
        if (ReadStatus(response.Headers) is { } trailersOnly)
        {
            return trailersOnly;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = StatusMapping.FromHttpStatus((int)response.StatusCode);
            return new CallStatus(code, $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}", new Metadata());
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcContentType.IsGrpc(contentType))
        {
            return new CallStatus(StatusCode.Cancelled, $"Bad gRPC response. Invalid content-type value: {contentType}", new Metadata());
        }

        return null;
    }

    private static CallStatus? ReadStatus(HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcProtocolConstants.StatusHeader, out var statusValues))
        {
            return null;
        }

        StatusMapping.TryParseStatus(statusValues.FirstOrDefault(), out var code);
        var detail = headers.TryGetValues(GrpcProtocolConstants.MessageHeader, out var messageValues)
            ? PercentEncoding.Decode(messageValues.FirstOrDefault() ?? string.Empty)
            : string.Empty;
        return new CallStatus(code, detail, ReadMetadata(headers));
    }

    private static Metadata ReadMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers)
        {
            var key = name.ToLowerInvariant();
            if (key.StartsWith(GrpcProtocolConstants.ReservedHeaderPrefix, StringComparison.Ordinal)
                || key is GrpcProtocolConstants.ContentTypeHeader or "content-length" or "date" or "server")
            {
                continue;
            }

            var binary = MetadataValidation.IsBinaryKey(key);
            foreach (var value in values)
            {
                if (!binary)
                {
                    metadata.AddReceived(key, value, null);
                }
                else if (MetadataValidation.TryDecodeBinary(value, out var bytes))
                {
                    metadata.AddReceived(key, null, bytes);
                }
            }
        }

        return metadata;
    }

    private TResponse Parse(System.Buffers.ReadOnlySequence<byte> payload)
    {
        try
        {
            return (TResponse)_parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(StatusCode.Internal, GrpcProtocolConstants.Messages.DeserializeResponse);
        }
    }

    private void Finish(CallStatus status)
    {
        _finished = true;
        Trailers = status.Trailers;
        _deadlineTimer?.Dispose();
        if (status.Code != StatusCode.OK)
        {
            // A server that saw the deadline as a cancellation still means the deadline passed.
            var code = status.Code == StatusCode.Cancelled && _deadlineExpired ? StatusCode.DeadlineExceeded : status.Code;
            _failure = new RpcException(code, status.Detail, status.Trailers);
            throw _failure;
        }
    }

    /// <summary>Records and returns the one exception this call fails with; later reads rethrow it.</summary>
    private RpcException Fail(Exception exception)
    {
        _failure ??= exception as RpcException ?? Translate(exception);
        _finished = true;

        // The stream may still be open (a bad message mid-stream): end it.
        CancelSafely();
        return _failure;
    }

    private RpcException Translate(Exception exception)
    {
        if (_deadlineExpired)
        {
            return new RpcException(StatusCode.DeadlineExceeded, GrpcProtocolConstants.Messages.DeadlineExceeded, innerException: exception);
        }

        if (_cancelledByCaller)
        {
            return new RpcException(StatusCode.Cancelled, GrpcProtocolConstants.Messages.CancelledByClient, innerException: exception);
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                var code = StatusMapping.FromHttp2ErrorCode(protocol.ErrorCode);
                return new RpcException(code, $"The HTTP/2 stream to {_channel.Address} was reset with error code {protocol.ErrorCode}: {protocol.Message}", innerException: exception);
            }
        }

        return exception switch
        {
            HttpRequestException or IOException or SocketException or OperationCanceledException =>
                new RpcException(StatusCode.Unavailable, $"Error talking to {_channel.Address}{_path}: {exception.Message}", innerException: exception),
            _ => new RpcException(StatusCode.Internal, $"Error in gRPC call {_path}: {exception.GetType().Name}: {exception.Message}", innerException: exception),
        };
    }

    /// <summary>
    /// Cancels whatever is in flight and resets the HTTP/2 stream now, so the server learns
    /// at once (not at the caller's next read or disposal).
    /// </summary>
    private void CancelSafely()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (AggregateException)
        {
            // A registration on the token threw; the call is cancelled regardless.
        }

        // Disposing an unfinished HTTP/2 response sends RST_STREAM(CANCEL); a pending read fails.
        Volatile.Read(ref _response)?.Dispose();
    }

    private sealed record CallStatus(StatusCode Code, string Detail, Metadata Trailers);
}
