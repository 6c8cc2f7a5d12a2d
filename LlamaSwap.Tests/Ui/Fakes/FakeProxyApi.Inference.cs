using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Tests.Ui.Fakes;

internal sealed partial class FakeProxyApi
{
    /// <summary>What every chat reply says, streamed a few characters at a time.</summary>
    public const string ChatReply = "Hello from **LlamaSwap**! Here is a list:\n\n- streamed\n- rendered as `markdown`\n\nDone.";

    public TimeSpan ChunkDelay { get; set; } = TimeSpan.FromMilliseconds(40);

    private async Task ChatAsync(HttpContext context)
    {
        var started = Stopwatch.StartNew();
        var requestBody = await ReadBodyAsync(context.Request);
        var request = JsonNode.Parse(requestBody)!;
        var name = request["model"]?.GetValue<string>() ?? "";
        var model = Models.FirstOrDefault(m => m.Id == name || m.Aliases.Contains(name));
        if (model is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "no local server found for requested model" } });
            return;
        }

        var id = Interlocked.Increment(ref _nextInflight).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var entry = new JsonObject
        {
            ["id"] = id, ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"), ["model"] = model.Id, ["req_path"] = "/v1/chat/completions",
            ["method"] = "POST", ["remote_ip"] = "127.0.0.1", ["resp_bytes"] = 0, ["elapsed_ms"] = 0,
            ["req_headers"] = new JsonObject { ["x-session-id"] = "browser-test" },
        };
        _inflight[id] = (entry, cancel);
        _events.Publish("inflight", new { operation = "upsert", request = entry });

        var response = new StringBuilder();
        long ttfb = 0;
        var status = 200;
        var chunks = Chunk(ChatReply, 6).ToList();
        try
        {
            await EnsureLoadedAsync(model, cancel.Token);
            model.IdleSince = null;
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            foreach (var piece in chunks)
            {
                var frame = $"data: {JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", model = model.Id, choices = new[] { new { index = 0, delta = new { content = piece } } } })}\n\n";
                response.Append(frame);
                await context.Response.WriteAsync(frame, cancel.Token);
                await context.Response.Body.FlushAsync(cancel.Token);
                if (ttfb == 0) ttfb = started.ElapsedMilliseconds;
                entry["resp_bytes"] = response.Length;
                await Task.Delay(ChunkDelay, cancel.Token);
            }
            var usage = $"data: {JsonSerializer.Serialize(new { choices = Array.Empty<object>(), usage = new { prompt_tokens = 42, completion_tokens = chunks.Count, total_tokens = 42 + chunks.Count }, timings = new { prompt_n = 42, predicted_n = chunks.Count, prompt_per_second = 812.5, predicted_per_second = 24.6 } })}\n\ndata: [DONE]\n\n";
            response.Append(usage);
            await context.Response.WriteAsync(usage, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            status = 499;
        }
        finally
        {
            _inflight.TryRemove(id, out _);
            _events.Publish("inflight", new { operation = "remove", id });
            model.IdleSince = DateTimeOffset.UtcNow;
            _events.Publish("modelStatus", ModelStatus());
            Record(model.Id, status, started.ElapsedMilliseconds, ttfb, 42, status == 200 ? chunks.Count : 0, requestBody, response.ToString());
            Logs.Proxy($"Request 127.0.0.1 \"POST /v1/chat/completions HTTP/1.1\" {status} {response.Length} \"browser\" {started.Elapsed.TotalMilliseconds:F0}ms");
            Logs.Upstream(model.Id, $"slot print_timing: \u001b[1mprompt eval\u001b[0m 42 tokens, \u001b[32meval {chunks.Count} tokens\u001b[0m, 24.6 t/s\n");
        }
    }

    private async Task EmbeddingsAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await ReadBodyAsync(context.Request))!;
        var inputs = body["input"] is JsonArray array ? array.Select(i => i!.GetValue<string>()).ToList() : [body["input"]!.GetValue<string>()];
        var data = inputs.Select((text, index) => new
        {
            @object = "embedding",
            index,
            embedding = Enumerable.Range(0, 16).Select(d => Math.Round(Math.Sin(text.Length * (d + 1) * 0.37 + text[0]) / 2, 4)).ToArray(),
        });
        await context.Response.WriteAsJsonAsync(new { @object = "list", data, model = body["model"]?.GetValue<string>(), usage = new { prompt_tokens = inputs.Count * 8 } });
    }

    /// <summary>Adds a finished request to the activity log and announces it like the Proxy does.</summary>
    public int Record(string model, int status, long durationMs, long ttfbMs, int input, int output, string requestBody, string responseBody)
    {
        int id;
        lock (_lock)
        {
            id = _activity.Count + 1;
            var tokens = new FakeTokens(0, -1, -1, input, output, output > 0 ? 812.5 : -1, output > 0 ? 24.6 : -1);
            _activity.Add(new FakeActivityRow(id, DateTimeOffset.UtcNow, model, "/v1/chat/completions", "text/event-stream", status, tokens, durationMs, ttfbMs, true,
                status == 200 ? null : "request cancelled"));
            _captures[id] = new FakeCapture(id, "/v1/chat/completions",
                new() { ["Content-Type"] = "application/json", ["Authorization"] = "[REDACTED]" }, Encoding.UTF8.GetBytes(requestBody),
                new() { ["Content-Type"] = "text/event-stream" }, Encoding.UTF8.GetBytes(responseBody));
        }
        _events.Publish("activity", new { id });
        return id;
    }

    private IResult ListActivity(HttpRequest request)
    {
        var limit = int.TryParse(request.Query["limit"], out var l) ? l : 25;
        var page = int.TryParse(request.Query["page"], out var p) ? p : 1;
        var models = request.Query["model"].Where(m => !string.IsNullOrEmpty(m)).ToHashSet();
        List<FakeActivityRow> rows;
        lock (_lock)
            rows = _activity.Where(r => models.Count == 0 || models.Contains(r.Model)).ToList();
        IEnumerable<FakeActivityRow> sorted = request.Query["sort"].ToString() switch
        {
            "model" => rows.OrderBy(r => r.Model, StringComparer.Ordinal).ThenBy(r => r.Id),
            "duration" => rows.OrderBy(r => r.DurationMs).ThenBy(r => r.Id),
            "generated" => rows.OrderBy(r => r.Tokens.OutputTokens).ThenBy(r => r.Id),
            _ => rows.OrderBy(r => r.Id),
        };
        if (request.Query["order"] != "asc")
            sorted = sorted.Reverse();
        return Results.Json(new
        {
            data = sorted.Skip((page - 1) * limit).Take(limit),
            page,
            limit,
            total = rows.Count,
            total_pages = (rows.Count + limit - 1) / limit,
        });
    }

    private object Stats()
    {
        lock (_lock)
        {
            var gen = _activity.Where(r => r.Tokens.TokensPerSecond > 0).Select(r => r.Tokens.TokensPerSecond).ToList();
            object? Histogram(List<double> values) => values.Count == 0 ? null : new
            {
                bins = new[] { values.Count }, min = values.Min(), max = values.Max(), binSize = 0, p50 = values.Average(), p95 = values.Max(), p99 = values.Max(),
            };
            return new
            {
                total_requests = _activity.Count,
                total_input_tokens = _activity.Sum(r => r.Tokens.InputTokens),
                total_output_tokens = _activity.Sum(r => r.Tokens.OutputTokens),
                total_cache_tokens = 0,
                prompt_histogram = Histogram(_activity.Where(r => r.Tokens.PromptPerSecond > 0).Select(r => r.Tokens.PromptPerSecond).ToList()),
                gen_histogram = Histogram(gen),
            };
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }

    private static IEnumerable<string> Chunk(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size)
            yield return text.Substring(i, Math.Min(size, text.Length - i));
    }
}
