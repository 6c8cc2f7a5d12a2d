using System.Threading.Channels;
using LlamaSwap.Proxy.Events;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Proxy.Metrics;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Turns finished requests into activity rows off the request path: decodes the kept body, parses usage,
/// stores the row and its capture, records token metrics and announces the row on <c>/api/events</c>.
/// Requests wait in a bounded queue; when it is full a row is dropped rather than a request slowed.
/// </summary>
internal sealed partial class ActivityProcessor(
    ActivityStore store, CaptureStore captures, EventHub hub, TokenMetrics metrics, IProxyConfigProvider config,
    ILogger<ActivityProcessor> logger) : BackgroundService
{
    public const int QueueCapacity = 1024;

    /// <summary>The most a compressed body may expand to when decoded for parsing.</summary>
    public const int MinDecodeLimitBytes = 16 * 1024 * 1024;

    private readonly Channel<CompletedRequest> _queue = Channel.CreateBounded<CompletedRequest>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Raised after a row is stored and announced (for observers such as tests).</summary>
    public event Action<ActivityRecord>? Recorded;

    public bool TryEnqueue(CompletedRequest request)
    {
        if (_queue.Writer.TryWrite(request))
            return true;
        LogDropped(logger, request.Model, request.Path);
        return false;
    }

    /// <summary>Processes whatever is queued, on the calling thread.</summary>
    internal int ProcessPending()
    {
        var count = 0;
        while (_queue.Reader.TryRead(out var request))
        {
            Process(request);
            count++;
        }

        return count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Process(request);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, request.Model, request.Path, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public ActivityRecord Process(CompletedRequest request)
    {
        var current = config.Current;
        byte[]? decoded = null;
        string? decodeError = null;
        if (request.BodyComplete)
        {
            var limit = (int)Math.Min(int.MaxValue, Math.Max(MinDecodeLimitBytes, request.CaptureBudgetBytes));
            (decoded, decodeError) = ResponseDecoder.Decode(request.Body, request.ContentEncoding, limit);
        }
        else if (string.IsNullOrEmpty(request.ContentEncoding) || request.ContentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            // Only the tail was kept; that is enough for a stream's final usage, never for a compressed body.
            decoded = request.Body;
        }

        var parsed = decoded is null
            ? new ParsedResponse(ActivityTokens.Unknown, request.DurationMs, decodeError)
            : UsageParser.Parse(request.StatusCode, request.ContentType, decoded, request.BodyComplete, request.DurationMs);

        var row = store.Add(
            new ActivityRecord(
                0,
                request.Timestamp,
                request.Model,
                request.Path,
                request.ContentType,
                request.StatusCode,
                parsed.Tokens,
                (long)Math.Round(parsed.DurationMs),
                request.TtfbMs is { } ttfb ? (long)Math.Round(ttfb) : -1,
                request.Failure ?? parsed.ErrorMessage,
                request.Metadata),
            current.MetricsMaxInMemory);

        captures.Trim(request.CaptureBudgetBytes);
        // A body that outgrew what was kept would make the capture larger than the budget: none is stored.
        if (request.CaptureBudgetBytes > 0 && request.BodyComplete)
            StoreCapture(row, request, decoded);

        metrics.Record(row);
        hub.Broadcast(EventHub.Activity(row.Id));
        Recorded?.Invoke(row);
        return row;
    }

    private void StoreCapture(ActivityRecord row, CompletedRequest request, byte[]? decodedBody)
    {
        var mask = CaptureMasks.For(request.Path);
        var responseHeaders = request.ResponseHeaders is null
            ? null
            // The stored body is decoded, so the encoding header no longer describes it.
            : request.ResponseHeaders.Where(h => !h.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        var capture = new Capture(
            row.Id,
            request.Path,
            mask.HasFlag(CaptureMask.RequestHeaders) ? request.RequestHeaders : null,
            mask.HasFlag(CaptureMask.RequestBody) ? request.RequestBody : null,
            mask.HasFlag(CaptureMask.ResponseHeaders) ? responseHeaders : null,
            mask.HasFlag(CaptureMask.ResponseBody) && request.StatusCode == StatusCodes.Status200OK ? decodedBody : null);
        if (!captures.Add(capture, request.CaptureBudgetBytes))
            LogCaptureTooLarge(logger, row.Id, request.CaptureBudgetBytes);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "activity queue full: the row for {Model} {Path} was dropped")]
    private static partial void LogDropped(ILogger logger, string model, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "recording activity for {Model} {Path} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string model, string path, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "capture {Id} is larger than the capture buffer ({Budget} bytes); not stored")]
    private static partial void LogCaptureTooLarge(ILogger logger, long id, long budget);
}
