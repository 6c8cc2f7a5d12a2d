using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaSwap.Proxy.Ui;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Ui.Fakes;

/// <summary>
/// An in-test stand-in for the Proxy's management API and a few inference routes, in llama-swap's
/// wire formats, serving the real embedded UI. It lets the browser tests reach every page with
/// predictable data; behaviour that matters for inference is tested against the real Proxy.
/// </summary>
internal sealed partial class FakeProxyApi : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WebApplication _app;
    private readonly FakeEventHub _events = new();
    private readonly Lock _lock = new();
    private readonly List<FakeActivityRow> _activity = [];
    private readonly Dictionary<int, FakeCapture> _captures = [];
    private readonly ConcurrentDictionary<string, (JsonObject Entry, CancellationTokenSource Cancel)> _inflight = new();
    private int _nextInflight;
    private string? _activeProfile;

    private FakeProxyApi(WebApplication app, IReadOnlyList<FakeModel> models, string? apiKey)
    {
        _app = app;
        Models = models;
        ApiKey = apiKey;
        Logs = new FakeLogs(_events);
    }

    public IReadOnlyList<FakeModel> Models { get; }
    public string? ApiKey { get; }
    public FakeLogs Logs { get; }
    public Uri BaseAddress => new(_app.Urls.First());

    /// <summary>How long a load takes; long enough for the page to show "starting".</summary>
    public TimeSpan LoadTime { get; init; } = TimeSpan.FromMilliseconds(600);

    public static IReadOnlyList<FakeModel> DefaultModels() =>
    [
        new("qwen")
        {
            Name = "Qwen 2.5 7B Instruct", Description = "General chat with tool calling", Aliases = ["gpt-4o-mini", "claude-3-5-haiku"],
            Tools = true, Context = 32768, Ttl = 300, Metadata = new() { ["family"] = "qwen2.5", ["quantisation"] = "Q4_K_M" },
        },
        new("llama") { Name = "Llama 3.1 8B", Description = "Unloaded after one idle minute", Ttl = 60 },
        new("embed") { Name = "Nomic Embed", Description = "Text embeddings", Metadata = new() { ["embeddings"] = true } },
        new("whisper") { Name = "Whisper large v3", Description = "Speech to text", In = ["audio"], Out = ["text"] },
        new("sd-turbo") { Name = "SD Turbo", Description = "Image generation", In = ["text"], Out = ["image"] },
        new("vision-mini") { Name = "Vision mini", Description = "Looks at pictures", In = ["text", "image"], Out = ["text"], Context = 8192 },
    ];

    public static async Task<FakeProxyApi> StartAsync(IReadOnlyList<FakeModel>? models = null, string? apiKey = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddProxyUi();
        var app = builder.Build();
        var fake = new FakeProxyApi(app, models ?? DefaultModels(), apiKey);
        fake.Map();
        await app.StartAsync(TestContext.Current.CancellationToken);
        fake.Logs.Proxy($"LlamaSwap listening on {fake.BaseAddress}");
        return fake;
    }

    public FakeModel Model(string id) => Models.Single(m => m.Id == id);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map()
    {
        _app.Use(async (context, next) =>
        {
            if (ApiKey is not null && !IsPublic(context.Request.Path) && !HasKey(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new { error = new { message = "unauthorized: invalid or missing API key", type = "authentication_error" } });
                return;
            }
            await next(context);
        });
        _app.MapProxyUi();
        _app.MapGet("/health", () => "OK");
        _app.MapGet("/v1/models", ListModels);
        _app.MapGet("/running", () => new { running = Models.Where(m => m.State != "stopped").Select(m => new { model = m.Id, state = m.State, ttl = m.Ttl, name = m.Name }) });
        _app.MapGet("/api/events", StreamEventsAsync);
        _app.MapGet("/api/version", () => new { version = "0.1.0-test", commit = "abc1234", build_date = "2026-01-01T00:00:00Z" });
        _app.MapGet("/api/profiles", () => new { active = _activeProfile, profiles = new[] { new { id = "fast", description = "Small models", pins = new Dictionary<string, string> { ["default"] = "qwen" } } } });
        _app.MapPut("/api/profiles/active", SetProfileAsync);
        _app.MapGet("/upstream/{**rest}", LoadAsync);
        _app.MapPost("/api/models/unload", UnloadAllAsync);
        _app.MapPost("/api/models/unload/{**model}", UnloadAsync);
        _app.MapGet("/logs/stream/{**source}", StreamLogsAsync);
        _app.MapGet("/api/metrics/activity", ListActivity);
        _app.MapGet("/api/metrics/stats", Stats);
        _app.MapGet("/api/captures/{id:int}", (int id) => _captures.TryGetValue(id, out var c) ? Results.Json(c) : Results.NotFound());
        _app.MapPost("/api/inflight/{id}/cancel", (string id) =>
        {
            if (!_inflight.TryGetValue(id, out var entry)) return Results.NotFound();
            entry.Cancel.Cancel();
            return Results.Json(new { msg = "ok" });
        });
        _app.MapPost("/v1/chat/completions", ChatAsync);
        _app.MapPost("/v1/embeddings", EmbeddingsAsync);
    }

    private static bool IsPublic(PathString path) =>
        path == "/" || path == "/health" || path == "/favicon.ico" || path.StartsWithSegments("/ui");

    private bool HasKey(HttpRequest request) =>
        request.Headers.Authorization.ToString() == $"Bearer {ApiKey}" || request.Headers["x-api-key"].ToString() == ApiKey;

    private object ListModels() => new
    {
        @object = "list",
        data = Models.Where(m => !m.Unlisted).OrderBy(m => m.Id, StringComparer.Ordinal).Select(m =>
        {
            var meta = new Dictionary<string, object>(m.Metadata) { ["type"] = "model" };
            if (m.Aliases.Length > 0) meta["aliases"] = m.Aliases;
            var record = new Dictionary<string, object?>
            {
                ["id"] = m.Id,
                ["object"] = "model",
                ["owned_by"] = "llama-swap",
                ["name"] = m.Name,
                ["description"] = m.Description,
                ["architecture"] = new { input_modalities = m.In, output_modalities = m.Out, modality = $"{string.Join('+', m.In)}->{string.Join('+', m.Out)}" },
                ["capabilities"] = m.Capabilities(),
                ["meta"] = new { llamaswap = meta },
                ["status"] = new { value = m.State == "stopped" ? "unloaded" : "loaded" },
            };
            if (m.Context > 0) record["context_length"] = m.Context;
            return record;
        }),
    };

    private object ModelStatus()
    {
        var now = DateTimeOffset.UtcNow;
        return Models.OrderBy(m => m.Id, StringComparer.Ordinal).Select(m => new
        {
            id = m.Id,
            name = m.Name ?? "",
            description = m.Description ?? "",
            state = m.State,
            unlisted = m.Unlisted,
            aliases = m.Aliases,
            capabilities = m.Capabilities(),
            context_length = m.Context,
            ttl = m.Ttl,
            ttlRemaining = m.TtlRemaining(now),
        }).ToArray();
    }

    private void SetState(FakeModel model, string state)
    {
        model.State = state;
        model.IdleSince = state == "ready" ? DateTimeOffset.UtcNow : null;
        _events.Publish("modelStatus", ModelStatus());
    }

    private async Task StreamEventsAsync(HttpContext context)
    {
        var channel = _events.Subscribe();
        try
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            var burst = new StringBuilder()
                .Append(FakeEventHub.Frame("logData", new { source = "proxy", data = Logs.History("proxy") }))
                .Append(FakeEventHub.Frame("logData", new { source = "upstream", data = Logs.History("upstream") }))
                .Append(FakeEventHub.Frame("modelStatus", ModelStatus()))
                .Append(FakeEventHub.Frame("uiConfig", new { activity = new { session_id = new[] { "x-session-id" } } }))
                .Append(FakeEventHub.Frame("profileChanged", new { active = _activeProfile }))
                .Append(FakeEventHub.Frame("inflight", new { operation = "snapshot", requests = _inflight.Values.Select(v => v.Entry).ToArray() }));
            await context.Response.WriteAsync(burst.ToString(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await foreach (var frame in channel.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(frame, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _events.Unsubscribe(channel);
        }
    }

    private async Task StreamLogsAsync(HttpContext context, string? source)
    {
        var name = source ?? "";
        var channel = Logs.Follow(name);
        try
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            if (!context.Request.Query.ContainsKey("no-history"))
                await context.Response.WriteAsync(Logs.History(name), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await foreach (var text in channel.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(text, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Logs.Unfollow(channel);
        }
    }

    private async Task<IResult> SetProfileAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        _activeProfile = body?["name"]?.GetValue<string>();
        _events.Publish("profileChanged", new { active = _activeProfile });
        _events.Publish("modelStatus", ModelStatus());
        return Results.Json(new { active = _activeProfile });
    }

    private async Task<IResult> LoadAsync(string rest, CancellationToken cancellationToken)
    {
        var model = Models.FirstOrDefault(m => rest.TrimEnd('/') == m.Id);
        if (model is null)
            return Results.NotFound(new { error = new { message = "model not found" } });
        await EnsureLoadedAsync(model, cancellationToken);
        return Results.Text("OK");
    }

    private async Task EnsureLoadedAsync(FakeModel model, CancellationToken cancellationToken)
    {
        if (model.State == "ready")
            return;
        SetState(model, "starting");
        Logs.Proxy($"starting model {model.Id}");
        Logs.Upstream(model.Id, $"\u001b[36mmain:\u001b[0m loading model {model.Id}\n");
        await Task.Delay(LoadTime, cancellationToken);
        Logs.Upstream(model.Id, $"\u001b[32mmain: server is listening\u001b[0m on http://127.0.0.1:5800 - model {model.Id} ready\n");
        SetState(model, "ready");
    }

    private async Task<IResult> UnloadAsync(string model)
    {
        var target = Models.FirstOrDefault(m => m.Id == model || m.Aliases.Contains(model));
        if (target is null)
            return Results.NotFound(new { error = new { message = "model not found" } });
        await StopAsync(target);
        return Results.Text("OK");
    }

    private async Task<IResult> UnloadAllAsync()
    {
        foreach (var model in Models.Where(m => m.State != "stopped"))
            await StopAsync(model);
        return Results.Json(new { msg = "ok" });
    }

    private async Task StopAsync(FakeModel model)
    {
        if (model.State == "stopped")
            return;
        SetState(model, "stopping");
        Logs.Proxy($"stopping model {model.Id}");
        await Task.Delay(LoadTime / 2);
        Logs.Upstream(model.Id, $"\u001b[33msrv operator():\u001b[0m received SIGTERM, shutting down\n");
        SetState(model, "stopped");
    }
}
