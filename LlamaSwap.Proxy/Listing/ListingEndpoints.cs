using LlamaSwap.Proxy.Backends;
using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Listing;

/// <summary>
/// Model listing and control: <c>/v1/models</c>, <c>/models</c>, <c>/running</c>, <c>/unload</c>,
/// <c>/api/models/unload[/{model}]</c>, <c>/api/profiles</c>, <c>/api/profiles/active</c>, <c>/api/version</c>.
/// </summary>
internal static class ListingEndpoints
{
    public const string ModelNotFound = "model not found";

    public static void Map(IEndpointRouteBuilder app)
    {
        var config = app.ServiceProvider.GetRequiredService<IProxyConfigProvider>();
        var gateway = app.ServiceProvider.GetRequiredService<ISupervisorGateway>();
        var profile = app.ServiceProvider.GetRequiredService<ActiveProfile>();
        var time = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var lifetime = app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();
        var endpoints = app.ServiceProvider.GetService<EndpointHealthMonitor>();

        RequestDelegate listModels = context =>
        {
            // Browsers may read the listing from any origin (llama-swap's one CORS exception).
            if (context.Request.Headers.Origin.ToString() is { Length: > 0 } origin)
                context.Response.Headers.AccessControlAllowOrigin = origin;
            var list = ModelList.Build(config.Current, gateway.Latest, profile.Name, time.GetUtcNow().ToUnixTimeSeconds(), endpoints is null ? null : endpoints.For);
            return ManagementJson.WriteAsync(context, list);
        };
        app.MapGet("/v1/models", listModels);
        app.MapGet("/models", listModels);

        app.MapGet("/running", context => ManagementJson.WriteAsync(context, RunningList.Build(config.Current, gateway.Latest)));

        app.MapGet("/unload", async context =>
        {
            if (await UnloadAsync(context, gateway, [], lifetime.ApplicationStopping))
                await ManagementJson.WriteTextAsync(context, "OK");
        });
        app.MapPost("/api/models/unload", async context =>
        {
            if (await UnloadAsync(context, gateway, [], lifetime.ApplicationStopping))
                await ManagementJson.WriteAsync(context, new { msg = "ok" });
        });
        app.MapPost("/api/models/unload/{**model}", async context =>
        {
            var requested = ((string?)context.Request.RouteValues["model"] ?? "").TrimStart('/');
            // Model ids and aliases only: profile pins and peers are not unloadable here.
            if (config.Current.ResolveModelId(requested) is not { } modelId)
            {
                await ProxyErrorWriter.WriteAsync(context, new ProxyError(StatusCodes.Status404NotFound, ModelNotFound));
                return;
            }

            if (await UnloadAsync(context, gateway, [modelId], lifetime.ApplicationStopping))
                await ManagementJson.WriteTextAsync(context, "OK");
        });

        app.MapGet("/api/profiles", context => ManagementJson.WriteAsync(context, ProfileList.Build(config.Current, profile.Name)));
        app.MapPut("/api/profiles/active", async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var (name, error) = ProfileList.ParseActiveRequest(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (error is not null)
            {
                await ProxyErrorWriter.WriteAsync(context, new ProxyError(StatusCodes.Status400BadRequest, error));
                return;
            }

            if (name is not null && !config.Current.Profiles.ContainsKey(name))
            {
                await ProxyErrorWriter.WriteAsync(context, new ProxyError(StatusCodes.Status404NotFound, ProfileList.NotFound(name)));
                return;
            }

            profile.Set(name);
            await ManagementJson.WriteAsync(context, new ActiveProfileResponse(profile.Name));
        });

        app.MapGet("/api/version", context => ManagementJson.WriteAsync(context, BuildInfo.Current));
    }

    /// <summary>Hard-unloads through the Supervisor (leases end now, as llama-swap's unload does) and waits for it.</summary>
    /// <returns>False when an error response was written.</returns>
    private static async Task<bool> UnloadAsync(HttpContext context, ISupervisorGateway gateway, string[] modelIds, CancellationToken stopping)
    {
        try
        {
            // Not tied to the client: an unload that started completes even if the caller leaves.
            await gateway.Client.UnloadAsync(new UnloadRequest { ModelIds = { modelIds }, Hard = true }, new CallOptions(CancellationToken: stopping));
            return true;
        }
        catch (RpcException ex)
        {
            await ProxyErrorWriter.WriteAsync(context, ex.StatusCode switch
            {
                StatusCode.NotFound => ProxyError.UnknownModel(),
                StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled =>
                    new ProxyError(StatusCodes.Status503ServiceUnavailable, $"the Supervisor did not unload {Describe(modelIds)}: {ex.Detail}"),
                _ => new ProxyError(StatusCodes.Status500InternalServerError, $"unspecific error: {ex.Detail}"),
            });
            return false;
        }
    }

    private static string Describe(string[] modelIds) => modelIds.Length == 0 ? "all models" : $"model {string.Join(", ", modelIds)}";
}
