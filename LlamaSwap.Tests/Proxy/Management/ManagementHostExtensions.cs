using System.Text.Json;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc.Supervisor.V1;
using LlamaSwap.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaSwap.Tests.Proxy.Management;

internal static class ManagementHostExtensions
{
    /// <summary>Publishes a snapshot from the Supervisor and waits until the Proxy's gateway has it.</summary>
    public static async Task PublishAsync(this ManagementHost host, StateSnapshot snapshot)
    {
        var gateway = host.Services.GetRequiredService<ISupervisorGateway>();
        using var cancel = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
        var seen = Task.Run(async () =>
        {
            await foreach (var received in gateway.WatchAsync(cancel.Token))
            {
                if (received.Equals(snapshot))
                    return;
            }
        }, cancel.Token);
        host.Supervisor.Publish(snapshot);
        await seen.DefaultTimeout();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return document.RootElement.Clone();
    }

    /// <summary>Asserts an error envelope with this status and message.</summary>
    public static async Task AssertErrorAsync(this HttpResponseMessage response, int status, string message)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("llama-swap", document.RootElement.GetProperty("src").GetString());
        Assert.Equal(message, document.RootElement.GetProperty("error").GetProperty("message").GetString());
    }
}
