using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LlamaSwap.AppHost.Dashboard;
using LlamaSwap.AppHost.Dashboard.Telemetry;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Hosting.Orchestration;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

/// <summary>The dashboard server alone, in the test process, on a free loopback port, with fixed secrets.</summary>
internal sealed class InProcessDashboard : IAsyncDisposable
{
    public const string Token = "test-browser-token";
    public const string ApiKey = "test-otlp-key";

    private InProcessDashboard(DashboardServer server, TelemetryRepository telemetry, ResourceNotificationService notifications, ResourceLogService logs)
    {
        Server = server;
        Telemetry = telemetry;
        Notifications = notifications;
        Logs = logs;
    }

    public DashboardServer Server { get; }
    public TelemetryRepository Telemetry { get; }
    public ResourceNotificationService Notifications { get; }
    public ResourceLogService Logs { get; }
    public Uri Url => Server.Url;

    public static async Task<InProcessDashboard> StartAsync(
        bool secured = true, TelemetryLimits? limits = null,
        Func<string, string, CancellationToken, Task<ResourceCommandResult>>? executeCommand = null)
    {
        var options = new DashboardOptions
        {
            Host = "127.0.0.1", Port = 0,
            BrowserToken = secured ? Token : null, OtlpApiKey = secured ? ApiKey : null,
            Limits = limits ?? new TelemetryLimits(),
        };
        var notifications = new ResourceNotificationService();
        var logs = new ResourceLogService(TimeProvider.System);
        var telemetry = new TelemetryRepository(options.Limits);
        var server = new DashboardServer(options, notifications, logs, telemetry,
            executeCommand ?? ((name, command, _) => Task.FromResult(ResourceCommandResult.Success($"{command} {name}"))));
        await server.StartAsync(TestContext.Current.CancellationToken);
        return new InProcessDashboard(server, telemetry, notifications, logs);
    }

    /// <summary>An API client that sends the browser token as a bearer token.</summary>
    public HttpClient CreateApiClient()
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

internal static class DashboardApiClientExtensions
{
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> PostCommandAsync(this HttpClient client, string resource, string command)
    {
        using var response = await client.PostAsync($"/api/resources/{resource}/commands/{command}", null, TestContext.Current.CancellationToken);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>Polls an API path until <paramref name="predicate"/> holds; fails with the last answer after the timeout.</summary>
    public static async Task<JsonElement> WaitForJsonAsync(this HttpClient client, string path, Func<JsonElement, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await client.GetJsonAsync(path);
            if (predicate(last))
                return last;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"GET {path} never matched within {timeout ?? TimeSpan.FromSeconds(30)}; last answer: {last}");
        return last;
    }
}

internal static class ServerSentEventEnumeratorExtensions
{
    /// <summary>The next event; fails when the stream ends or nothing arrives within the default timeout.</summary>
    public static async Task<ServerSentEvent> NextAsync(this IAsyncEnumerator<ServerSentEvent> events)
    {
        Assert.True(await events.MoveNextAsync().DefaultTimeout(), "the event stream ended");
        return events.Current;
    }
}
