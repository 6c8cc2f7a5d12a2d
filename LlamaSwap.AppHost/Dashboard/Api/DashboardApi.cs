using LlamaSwap.AppHost.Dashboard.Telemetry;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Hosting.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LlamaSwap.AppHost.Dashboard.Api;

/// <summary>
/// The JSON API under <c>/api</c> that the web UI (and the tests) use: resources and their commands,
/// console logs, structured logs, traces and metrics; <c>…/watch</c> endpoints stream changes as
/// server-sent events.
/// </summary>
internal sealed class DashboardApi(
    ResourceNotificationService notifications,
    ResourceLogService logs,
    TelemetryRepository telemetry,
    Func<string, string, CancellationToken, Task<ResourceCommandResult>> executeCommand,
    Func<DashboardInfoDto> info,
    CancellationToken shuttingDown)
{
    public const string Prefix = "/api";
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);
    /// <summary>Bursts of changes (a swap moves several resources) reach the UI as one update.</summary>
    private static readonly TimeSpan CoalesceDelay = TimeSpan.FromMilliseconds(100);

    public void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(Prefix);
        api.MapGet("/info", () => Results.Json(info(), DashboardJson.Options));

        api.MapGet("/resources", () => Results.Json(Resources(), DashboardJson.Options));
        api.MapGet("/resources/watch", WatchResourcesAsync);
        api.MapPost("/resources/{name}/commands/{command}", ExecuteCommandAsync);

        api.MapGet("/console/{name}", (string name, int? limit) =>
        {
            if (notifications.TryGet(name) is null)
                return Results.NotFound(new CommandResultDto(false, $"no resource named '{name}'"));
            var lines = logs.GetHistory(name);
            return Results.Json(lines.TakeLast(Math.Clamp(limit ?? 2000, 1, ResourceLogService.MaxLinesPerResource)).Select(ConsoleLineDto.From), DashboardJson.Options);
        });
        api.MapGet("/console/{name}/watch", WatchConsoleAsync);

        api.MapGet("/telemetry/resources", () => Results.Json(telemetry.GetResources().Select(TelemetryResourceDto.From), DashboardJson.Options));
        api.MapGet("/telemetry/watch", WatchTelemetryAsync);

        api.MapGet("/logs", (string? resource, string? level, string? text, string? traceId, int? limit) =>
            Results.Json(telemetry.GetLogs(new LogQuery
            {
                Resource = NullIfEmpty(resource), MinimumLevel = NullIfEmpty(level), Text = NullIfEmpty(text),
                TraceId = NullIfEmpty(traceId), Limit = Math.Clamp(limit ?? 500, 1, 10_000),
            }).Select(LogEntryDto.From), DashboardJson.Options));

        api.MapGet("/traces", (string? resource, string? text, int? limit) =>
            Results.Json(telemetry.GetTraces(new TraceQuery
            {
                Resource = NullIfEmpty(resource), Text = NullIfEmpty(text), Limit = Math.Clamp(limit ?? 200, 1, 10_000),
            }), DashboardJson.Options));
        api.MapGet("/traces/{traceId}", (string traceId) =>
        {
            var spans = telemetry.GetTrace(traceId);
            if (spans is null || spans.Count == 0)
                return Results.NotFound(new CommandResultDto(false, $"no trace '{traceId}' (unknown, or dropped to stay within the storage limit)"));
            var start = spans.Min(s => s.StartMs);
            var end = spans.Max(s => s.EndMs);
            return Results.Json(new TraceDto(spans[0].TraceId, start, end - start, [.. spans.Select(SpanDto.From)]), DashboardJson.Options);
        });

        api.MapGet("/metrics/instruments", (string? resource) =>
            Results.Json(telemetry.GetInstruments(NullIfEmpty(resource)).Select(InstrumentDto.From), DashboardJson.Options));
        api.MapGet("/metrics/instrument", (string resource, string name, string? scope) =>
            telemetry.GetInstrument(resource, name, NullIfEmpty(scope)) is { } data
                ? Results.Json(new InstrumentDataDto(InstrumentDto.From(data.Instrument), data.Series), DashboardJson.Options)
                : Results.NotFound(new CommandResultDto(false, $"no instrument '{name}' for resource '{resource}'")));
    }

    private List<ResourceDto> Resources() => [.. notifications.Current.Select(ResourceDto.From)];

    private async Task<IResult> ExecuteCommandAsync(string name, string command, CancellationToken cancellationToken)
    {
        if (notifications.TryGet(name) is null)
            return Results.NotFound(new CommandResultDto(false, $"no resource named '{name}'"));
        var result = await executeCommand(name, command, cancellationToken);
        return Results.Json(new CommandResultDto(result.Succeeded, result.Message), DashboardJson.Options,
            statusCode: result.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
    }

    /// <summary>The whole resource list first, then again after every change.</summary>
    private async Task WatchResourcesAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shuttingDown);
        var token = linked.Token;
        var events = new ServerSentEvents(context.Response);
        try
        {
            await events.StartAsync(token);
            var seen = notifications.Version;
            await events.WriteAsync("resources", Resources(), token);
            while (true)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(token);
                heartbeat.CancelAfter(HeartbeatInterval);
                try
                {
                    await notifications.WaitForChangeAsync(seen, heartbeat.Token);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    await events.HeartbeatAsync(token);
                    continue;
                }
                await Task.Delay(CoalesceDelay, token);
                seen = notifications.Version;
                await events.WriteAsync("resources", Resources(), token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the AppHost is stopping.
        }
    }

    /// <summary>A resource's console history, then each new line as it is written.</summary>
    private async Task WatchConsoleAsync(HttpContext context, string name)
    {
        if (notifications.TryGet(name) is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shuttingDown);
        var token = linked.Token;
        var events = new ServerSentEvents(context.Response);
        try
        {
            await events.StartAsync(token);
            await using var lines = logs.FollowAsync(name, token).GetAsyncEnumerator(token);
            var next = lines.MoveNextAsync().AsTask();
            while (true)
            {
                var heartbeat = Task.Delay(HeartbeatInterval, token);
                if (await Task.WhenAny(next, heartbeat) == heartbeat)
                {
                    await events.HeartbeatAsync(token);
                    continue;
                }
                if (!await next)
                    break;
                await events.WriteAsync("line", ConsoleLineDto.From(lines.Current), token);
                next = lines.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the AppHost is stopping.
        }
    }

    /// <summary>The telemetry version numbers, then again whenever new data arrived (at most every 500 ms).</summary>
    private async Task WatchTelemetryAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shuttingDown);
        var token = linked.Token;
        var events = new ServerSentEvents(context.Response);
        try
        {
            await events.StartAsync(token);
            var seen = telemetry.Versions;
            await events.WriteAsync("versions", seen, token);
            while (true)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(token);
                heartbeat.CancelAfter(HeartbeatInterval);
                try
                {
                    seen = await telemetry.WaitForChangeAsync(seen, heartbeat.Token);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    await events.HeartbeatAsync(token);
                    continue;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), token);
                seen = telemetry.Versions;
                await events.WriteAsync("versions", seen, token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the AppHost is stopping.
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
