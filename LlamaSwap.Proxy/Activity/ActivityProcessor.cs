using System.Threading.Channels;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Events;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Proxy.Metrics;

namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// Turns finished requests into activity rows off the request path: decodes the kept body, parses usage,
/// stores the row and its capture, appends it to the <c>store.path</c> file, records token metrics and announces
/// the row on <c>/api/events</c>. Requests wait in a bounded queue; when it is full a row is dropped rather than a
/// request slowed. The one reader of the queue is the only user of the file.
/// </summary>
internal sealed partial class ActivityProcessor(
    ActivityStore store, CaptureStore captures, EventHub hub, TokenMetrics metrics, IProxyConfigProvider config,
    ILogger<ActivityProcessor> logger) : BackgroundService
{
    public const int QueueCapacity = 1024;

    /// <summary>The most a compressed body may expand to when decoded for parsing.</summary>
    public const int MinDecodeLimitBytes = 16 * 1024 * 1024;

    /// <summary>Finished requests; null means the configuration changed and <c>store.path</c> may name another file.</summary>
    private readonly Channel<CompletedRequest?> _queue = Channel.CreateBounded<CompletedRequest?>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private ActivityJournal? _journal;
    private string? _journalPath;

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
            Handle(request);
            count += request is null ? 0 : 1;
        }

        return count;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed first, so a reload racing startup is either read here or queued; and opened before the
        // server starts, so the first page of activity already holds the stored rows.
        config.Changed += OnConfigChanged;
        FollowStorePath();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Handle(request);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, request?.Model ?? "store.path", request?.Path ?? config.Current.StorePath ?? "", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        config.Changed -= OnConfigChanged;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (ExecuteTask is { IsCompleted: false })
            return;
        // Requests that finished before shutdown still get their rows (and, with a file, keep them).
        ProcessPending();
        _journal?.Dispose();
        _journal = null;
    }

    private void Handle(CompletedRequest? request)
    {
        if (request is null)
            FollowStorePath();
        else
            Process(request);
    }

    private void OnConfigChanged(LlamaSwapConfig changed) => _queue.Writer.TryWrite(null);

    /// <summary>
    /// Opens the file <c>store.path</c> names when it changed (at startup, or on a reload naming another file), and
    /// shows its rows in place of the previous store's, as llama-swap re-creates its store.
    /// </summary>
    private void FollowStorePath()
    {
        var path = config.Current.StorePath;
        if (string.Equals(path, _journalPath, StringComparison.Ordinal))
            return;

        _journal?.Dispose();
        _journalPath = path;
        _journal = path is null ? null : ActivityJournal.Open(path, ActivityJournal.DefaultRetainedRows, problem => LogStoreProblem(logger, problem));
        store.Replace(_journal?.Rows ?? []);
        if (_journal is not null)
            LogStoreOpened(logger, _journal.Path, _journal.Rows.Count);
    }

    private void Append(ActivityRecord row)
    {
        if (_journal is null)
            return;
        try
        {
            _journal.Append(row);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStoreProblem(logger, $"store.path {_journal.Path} could not be written: {e.Message}. Activity is kept in memory from now on.");
            _journal.Dispose();
            _journal = null;
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

        var row = new ActivityRecord(
            store.NextId(),
            request.Timestamp,
            request.Model,
            request.Path,
            request.ContentType,
            request.StatusCode,
            parsed.Tokens,
            (long)Math.Round(parsed.DurationMs),
            request.TtfbMs is { } ttfb ? (long)Math.Round(ttfb) : -1,
            request.Failure ?? parsed.ErrorMessage,
            request.Metadata);

        // The capture first: a row is never seen without the capture it will have.
        captures.Trim(request.CaptureBudgetBytes);
        // A body that outgrew what was kept would make the capture larger than the budget: none is stored.
        if (request.CaptureBudgetBytes > 0 && request.BodyComplete)
            StoreCapture(row, request, decoded);
        store.Insert(row, _journal?.RetainedRows ?? current.MetricsMaxInMemory);
        Append(row);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogStoreProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "activity store {Path}: {Rows} rows read")]
    private static partial void LogStoreOpened(ILogger logger, string path, int rows);

    [LoggerMessage(Level = LogLevel.Debug, Message = "capture {Id} is larger than the capture buffer ({Budget} bytes); not stored")]
    private static partial void LogCaptureTooLarge(ILogger logger, long id, long budget);
}
