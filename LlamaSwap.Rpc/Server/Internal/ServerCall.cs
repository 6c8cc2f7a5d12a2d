using System.IO.Pipelines;
using Google.Protobuf;
using LlamaSwap.Rpc.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Rpc.Server.Internal;

/// <summary>
/// One gRPC call on the server, from the accepted request to the written status: owns the
/// call's cancellation (client reset, deadline, shutdown), reads the request message,
/// writes response messages and the status. Not thread-safe beyond the deadline timer.
/// </summary>
internal sealed class ServerCall : IDisposable
{
    private readonly HttpContext _httpContext;
    private readonly GrpcServerRuntime _runtime;
    private readonly CancellationTokenSource _cancellation;
    private readonly ITimer? _deadlineTimer;
    // Timers cannot wait longer (about 49.7 days); a deadline beyond that is as good as none.
    private static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private volatile bool _deadlineExceeded;
    private volatile bool _clientGone;
    private bool _requestCompleted;
    private int _writing;

    public ServerCall(HttpContext httpContext, string method, GrpcServerRuntime runtime)
    {
        _httpContext = httpContext;
        _runtime = runtime;
        runtime.Calls.Enter();

        // A stream may stay open for hours (WatchState, an Acquire lease); only the call's
        // own deadline limits it.
        httpContext.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();

        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, runtime.ServerStopping);
        DateTimeOffset? deadline = null;
        var timeoutHeader = httpContext.Request.Headers[GrpcProtocolConstants.TimeoutHeader].ToString();
        if (timeoutHeader.Length > 0)
        {
            if (GrpcTimeout.TryParse(timeoutHeader, out var timeout))
            {
                deadline = runtime.TimeProvider.GetUtcNow() + timeout;
                if (timeout <= TimeSpan.Zero)
                {
                    _deadlineExceeded = true;
                    _cancellation.Cancel();
                }
                else if (timeout <= MaxTimerDueTime)
                {
                    _deadlineTimer = runtime.TimeProvider.CreateTimer(static state => ((ServerCall)state!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
                }
            }
            else
            {
                // grpc-dotnet does the same: a malformed timeout is no reason to refuse the call.
                ServerLog.InvalidTimeout(runtime.Logger, method, timeoutHeader);
            }
        }

        Context = new ServerCallContext(
            httpContext,
            method,
            () => ServerProtocol.ReadMetadata(httpContext.Request.Headers),
            deadline,
            ServerProtocol.FormatPeer(httpContext.Connection),
            _cancellation.Token);
    }

    public ServerCallContext Context { get; }

    public bool DeadlineExceeded => _deadlineExceeded;

    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>
    /// Reads the single request message of a unary or server-streaming call and the end of
    /// the request stream after it (PROTOCOL-HTTP2.md: exactly one message for these call types).
    /// </summary>
    public async ValueTask<T> ReadSingleRequestAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        try
        {
            return await ReadSingleRequestCoreAsync(parser);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limits (body size, data rate); the client sees a clean status.
            throw new RpcException(StatusCode.Internal, $"Request body could not be read: {ex.Message}");
        }
        catch (IOException ex)
        {
            // Any pipe operation (ReadAsync, AdvanceTo) reports a reset stream this way.
            throw ClientGone(ex);
        }
    }

    private async ValueTask<T> ReadSingleRequestCoreAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var reader = _httpContext.Request.BodyReader;
        T? message = default;
        var haveMessage = false;
        while (true)
        {
            var result = await reader.ReadAsync(CancellationToken);

            var buffer = result.Buffer;
            if (haveMessage)
            {
                reader.AdvanceTo(buffer.End);
                if (!buffer.IsEmpty)
                {
                    throw new RpcException(StatusCode.Internal, GrpcProtocolConstants.Messages.AdditionalData);
                }
            }
            else
            {
                var status = MessageFraming.TryReadMessage(ref buffer, _runtime.Options.MaxReceiveMessageSize, out var compressed, out var payload);
                if (status == FrameReadStatus.Message)
                {
                    try
                    {
                        if (compressed)
                        {
                            throw CompressedMessageError();
                        }

                        message = Parse(parser, payload);
                        haveMessage = true;
                        if (!buffer.IsEmpty)
                        {
                            throw new RpcException(StatusCode.Internal, GrpcProtocolConstants.Messages.AdditionalData);
                        }
                    }
                    finally
                    {
                        // Also on errors, so the remainder can still be drained.
                        reader.AdvanceTo(result.Buffer.End);
                    }
                }
                else
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    switch (status)
                    {
                        case FrameReadStatus.InvalidCompressedFlag:
                            throw new RpcException(StatusCode.Internal, "Invalid compressed flag in message header; expected 0 or 1.");
                        case FrameReadStatus.MessageTooLarge:
                            throw new RpcException(StatusCode.ResourceExhausted, GrpcProtocolConstants.Messages.ReceiveTooLarge);
                        case FrameReadStatus.NeedMoreData when result.IsCompleted:
                            throw new RpcException(
                                StatusCode.Internal,
                                buffer.IsEmpty ? GrpcProtocolConstants.Messages.NoMessage : GrpcProtocolConstants.Messages.IncompleteMessage);
                    }
                }
            }

            if (result.IsCompleted && haveMessage)
            {
                _requestCompleted = true;
                return message!;
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException(CancellationToken);
            }
        }
    }

    /// <summary>Writes one response message; <paramref name="flush"/> sends it now (streams), else at completion (unary).</summary>
    public async ValueTask WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("A previous write on this response stream has not completed; writes must not overlap.");
        }

        try
        {
            CancellationToken.ThrowIfCancellationRequested();
            var size = message.CalculateSize();
            if (size > _runtime.Options.MaxSendMessageSize)
            {
                throw new RpcException(StatusCode.ResourceExhausted, GrpcProtocolConstants.Messages.SendTooLarge);
            }

            var response = _httpContext.Response;
            try
            {
                if (!response.HasStarted)
                {
                    await response.StartAsync(CancellationToken);
                }

                MessageFraming.WriteMessage(response.BodyWriter, message, size);
                if (flush)
                {
                    using var linked = cancellationToken.CanBeCanceled
                        ? CancellationTokenSource.CreateLinkedTokenSource(CancellationToken, cancellationToken)
                        : null;
                    var result = await response.BodyWriter.FlushAsync(linked?.Token ?? CancellationToken);

                    // A completed or cancelled flush means nobody reads any more (dotnet/aspnetcore#40788).
                    if (result.IsCanceled || result.IsCompleted)
                    {
                        throw new OperationCanceledException(GrpcProtocolConstants.Messages.CancelledByClient, CancellationToken);
                    }
                }
            }
            catch (IOException ex)
            {
                throw ClientGone(ex);
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    public void CompleteWithStatus(StatusCode code, string detail, Metadata? extraTrailers = null)
    {
        if (_httpContext.RequestAborted.IsCancellationRequested)
        {
            // The stream is reset: there is no one to send a status to.
            return;
        }

        ServerProtocol.WriteStatus(_httpContext.Response, code, detail, Context.ResponseTrailers, extraTrailers);
    }

    /// <summary>Ends the call with the status an exception stands for, logging only what is the server's fault.</summary>
    public void CompleteWithException(Exception exception)
    {
        var logger = _runtime.Logger;
        switch (exception)
        {
            case RpcException rpc:
                ServerLog.CallFailed(logger, Context.Method, rpc.StatusCode, rpc.Detail);
                CompleteWithStatus(rpc.StatusCode, rpc.Detail, rpc.Trailers);
                break;
            case not null when _deadlineExceeded:
                ServerLog.DeadlineExceeded(logger, Context.Method);
                CompleteWithStatus(StatusCode.DeadlineExceeded, GrpcProtocolConstants.Messages.DeadlineExceeded);
                break;
            case not null when _clientGone || _httpContext.RequestAborted.IsCancellationRequested:
                ServerLog.CancelledByClient(logger, Context.Method);
                break;
            case not null when _runtime.ServerStopping.IsCancellationRequested:
                ServerLog.ServerStopping(logger, Context.Method);
                CompleteWithStatus(StatusCode.Unavailable, GrpcProtocolConstants.Messages.ServerShuttingDown);
                break;
            default:
                ServerLog.HandlerException(logger, Context.Method, exception);
                var detail = _runtime.Options.EnableDetailedErrors
                    ? $"{GrpcProtocolConstants.Messages.HandlerException} {exception!.GetType().Name}: {exception.Message}"
                    : GrpcProtocolConstants.Messages.HandlerException;
                CompleteWithStatus(StatusCode.Unknown, detail);
                break;
        }
    }

    /// <summary>After an early answer (the request not read to its end), lets the stream close cleanly.</summary>
    public Task DrainRequestAsync()
    {
        if (_requestCompleted || _clientGone || _httpContext.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        var maxBytes = (long)_runtime.Options.MaxReceiveMessageSize + GrpcProtocolConstants.MessageHeaderSize;
        return RequestBodyDrain.DrainAsync(_httpContext, maxBytes, _runtime.TimeProvider, _httpContext.RequestAborted);
    }

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _cancellation.Dispose();
        _runtime.Calls.Exit();
    }

    private static T Parse<T>(MessageParser<T> parser, System.Buffers.ReadOnlySequence<byte> payload)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(StatusCode.Internal, GrpcProtocolConstants.Messages.DeserializeRequest);
        }
    }

    private RpcException CompressedMessageError()
    {
        var encoding = _httpContext.Request.Headers[GrpcProtocolConstants.EncodingHeader].ToString();
        if (encoding.Length == 0 || string.Equals(encoding, GrpcProtocolConstants.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            return new RpcException(StatusCode.Internal, GrpcProtocolConstants.Messages.CompressedWithoutEncoding);
        }

        // Compression is not implemented: say so and which encodings would work (compression.md).
        if (!_httpContext.Response.HasStarted)
        {
            _httpContext.Response.Headers[GrpcProtocolConstants.AcceptEncodingHeader] = GrpcProtocolConstants.IdentityEncoding;
        }

        return new RpcException(
            StatusCode.Unimplemented,
            $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: {GrpcProtocolConstants.IdentityEncoding}");
    }

    /// <summary>
    /// The stream was reset or the connection dropped. Kestrel reports it to a pending read or
    /// write before <see cref="HttpContext.RequestAborted"/> fires, so remember it here: the
    /// handler sees a cancellation, not a server failure.
    /// </summary>
    private OperationCanceledException ClientGone(IOException exception)
    {
        _clientGone = true;
        CancelSafely();
        return new OperationCanceledException(GrpcProtocolConstants.Messages.CancelledByClient, exception, _cancellation.Token);
    }

    private void CancelSafely()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended while the timer fired.
        }
    }

    private void OnDeadline()
    {
        _deadlineExceeded = true;
        CancelSafely();
    }
}
