using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Forwarding;
using LlamaSwap.Proxy.Telemetry;
using LlamaSwap.Rpc.Supervisor.V1;
using Microsoft.AspNetCore.Http.Features;

namespace LlamaSwap.Proxy.Admission;

/// <summary>
/// Streams loading progress to a streaming chat client while its model starts, so the client sees
/// activity instead of silence. It begins with the first Acquire progress event (a model that is
/// already Ready never produces one), answers 200 <c>text/event-stream</c> at once, and stops when
/// <see cref="FinishAsync"/> is called; the upstream's stream then continues in the same response.
/// </summary>
/// <remarks>
/// <see cref="LoadingStateStyle.Reasoning"/> is llama-swap's form: <c>reasoning_content</c> deltas with
/// a typed banner, a dot every 750 ms, queue positions and the odd remark, and a <c>Done!</c> trailer.
/// <see cref="LoadingStateStyle.Comments"/> sends SSE comment lines instead, which every SSE client
/// ignores, so nothing ends up in the model's output.
/// </remarks>
internal sealed class LoadingStateStream : IProgress<AcquireEvent>
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(750);
    public static readonly TimeSpan TypingInterval = TimeSpan.FromMilliseconds(66);
    public static readonly TimeSpan CommentHeartbeat = TimeSpan.FromSeconds(2);
    private const int TypingChunk = 5;
    private const string Rule = "━━━━━";

    private readonly HttpContext _context;
    private readonly string _model;
    private readonly LoadingStateStyle _style;
    private readonly TimeProvider _time;
    private readonly RequestTiming _timing;
    private readonly Channel<AcquireEvent> _events = Channel.CreateUnbounded<AcquireEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _finish = new();
    private readonly long _start;
    private readonly long _created;
    private Task? _writer;

    public LoadingStateStream(HttpContext context, string model, LoadingStateStyle style, TimeProvider time, RequestTiming timing)
    {
        _context = context;
        _model = model;
        _style = style;
        _time = time;
        _timing = timing;
        _start = time.GetTimestamp();
        _created = time.GetUtcNow().ToUnixTimeSeconds();
    }

    /// <summary>True once the loading stream answered the client (its headers are sent).</summary>
    public bool Started => _writer is not null;

    /// <summary>Called by the Acquire loop for each progress event (never for Ready).</summary>
    public void Report(AcquireEvent value)
    {
        _writer ??= Task.Run(RunAsync);
        _events.Writer.TryWrite(value);
    }

    /// <summary>Ends the loading stream (model ready or acquisition failed) and waits for its trailer.</summary>
    public async Task FinishAsync()
    {
        if (_writer is null)
            return;
        _events.Writer.TryComplete();
        await _finish.CancelAsync().ConfigureAwait(false);
        await _writer.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var aborted = _context.RequestAborted;
        try
        {
            var response = _context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ResponseHeaderCopier.EventStream;
            response.Headers.CacheControl = "no-cache";
            response.Headers[ResponseHeaderCopier.AccelBufferingHeader] = "no";
            _context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.StartAsync(aborted).ConfigureAwait(false);
            _timing.FirstByte(StatusCodes.Status200OK);

            if (_style == LoadingStateStyle.Comments)
                await RunCommentsAsync(aborted).ConfigureAwait(false);
            else
                await RunReasoningAsync(aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            // The client left; there is nobody to write a trailer to.
        }
    }

    private async Task RunReasoningAsync(CancellationToken aborted)
    {
        await TypeAsync(Rule + "\n", aborted).ConfigureAwait(false);
        await TypeAsync($"llama-swap loading model: {_model}\n", aborted).ConfigureAwait(false);
        var nextRemark = Elapsed + TimeSpan.FromSeconds(Random.Shared.Next(2, 6));
        while (await TickAsync().ConfigureAwait(false))
        {
            uint? position = null;
            while (_events.Reader.TryRead(out var progress))
            {
                if (progress.EventCase == AcquireEvent.EventOneofCase.Queued && progress.Queued.Position > 0)
                    position = progress.Queued.Position;
            }

            if (position is { } queued)
            {
                await WriteReasoningAsync($"\nQueue position: #{queued} ", aborted).ConfigureAwait(false);
            }
            else if (Elapsed >= nextRemark)
            {
                await WriteReasoningAsync($"\n{LoadingRemarks.Pick(Random.Shared)} ", aborted).ConfigureAwait(false);
                nextRemark = Elapsed + TimeSpan.FromSeconds(Random.Shared.Next(5, 10));
            }
            else
            {
                await WriteReasoningAsync(".", aborted).ConfigureAwait(false);
            }
        }

        var seconds = Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        await WriteReasoningAsync("\n", aborted).ConfigureAwait(false);
        await WriteReasoningAsync($"Done! ({seconds}s)\n", aborted).ConfigureAwait(false);
        await WriteReasoningAsync(Rule + "\n", aborted).ConfigureAwait(false);
        await WriteReasoningAsync(" \n", aborted).ConfigureAwait(false);
    }

    private async Task RunCommentsAsync(CancellationToken aborted)
    {
        await WriteCommentAsync($"llama-swap loading model: {_model}", aborted).ConfigureAwait(false);
        var lastWrite = Elapsed;
        do
        {
            var wrote = false;
            while (_events.Reader.TryRead(out var progress))
            {
                if (Describe(progress) is { } text)
                {
                    await WriteCommentAsync(text, aborted).ConfigureAwait(false);
                    wrote = true;
                }
            }

            if (wrote)
            {
                lastWrite = Elapsed;
            }
            else if (Elapsed - lastWrite >= CommentHeartbeat)
            {
                await WriteCommentAsync($"still loading {_model} ({Seconds(Elapsed)}s)", aborted).ConfigureAwait(false);
                lastWrite = Elapsed;
            }
        }
        while (await TickAsync().ConfigureAwait(false));

        await WriteCommentAsync($"model {_model} ready after {Seconds(Elapsed)}s", aborted).ConfigureAwait(false);
    }

    private static string? Describe(AcquireEvent progress) => progress.EventCase switch
    {
        AcquireEvent.EventOneofCase.Queued when progress.Queued.Position > 0 => $"queued, position {progress.Queued.Position}",
        AcquireEvent.EventOneofCase.Queued => "queued",
        AcquireEvent.EventOneofCase.Starting when progress.Starting.EvictedModelIds.Count > 0 =>
            $"starting (stopped {string.Join(", ", progress.Starting.EvictedModelIds)})",
        AcquireEvent.EventOneofCase.Starting => "starting",
        AcquireEvent.EventOneofCase.WaitingForReady => $"waiting for the model to become ready (check {progress.WaitingForReady.Attempt})",
        _ => null,
    };

    /// <summary>Waits one tick; false once <see cref="FinishAsync"/> was called.</summary>
    private async Task<bool> TickAsync()
    {
        try
        {
            await Task.Delay(TickInterval, _time, _finish.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Writes text a few characters at a time, llama-swap's typing effect; all at once when finishing.</summary>
    private async Task TypeAsync(string text, CancellationToken aborted)
    {
        for (var offset = 0; offset < text.Length; offset += TypingChunk)
        {
            await WriteReasoningAsync(text.Substring(offset, Math.Min(TypingChunk, text.Length - offset)), aborted).ConfigureAwait(false);
            if (_finish.IsCancellationRequested || offset + TypingChunk >= text.Length)
                continue;
            try
            {
                await Task.Delay(TypingInterval, _time, _finish.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Finishing: write the rest without the effect.
            }
        }
    }

    private Task WriteReasoningAsync(string text, CancellationToken aborted)
    {
        using var buffer = new MemoryStream();
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", "llamaswap-loading");
            json.WriteString("object", "chat.completion.chunk");
            json.WriteNumber("created", _created);
            json.WriteString("model", _model);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("delta");
            json.WriteString("reasoning_content", text);
            json.WriteEndObject();
            json.WriteNull("finish_reason");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return WriteAsync(buffer.ToArray(), aborted);
    }

    private Task WriteCommentAsync(string text, CancellationToken aborted) =>
        WriteAsync(Encoding.UTF8.GetBytes($": {text.ReplaceLineEndings(" ")}\n\n"), aborted);

    private async Task WriteAsync(byte[] bytes, CancellationToken aborted)
    {
        await _context.Response.Body.WriteAsync(bytes, aborted).ConfigureAwait(false);
        await _context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
    }

    private TimeSpan Elapsed => _time.GetElapsedTime(_start);

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
