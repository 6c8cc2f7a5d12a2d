using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Rpc.Infrastructure;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary><c>store.path</c>: the activity log outlives the Proxy.</summary>
public sealed class ActivityStoreTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RowsInTheStoreFileSurviveAProxyRestartAndNewRowsContinueTheIds()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("llamaswap-store-").FullName, "activity.jsonl");
        await using var stack = await ProxyStack.StartAsync(new StackConfig()
            .Top($"store:\n  path: {file}")
            .Model("m1", ["--model", "sim-m1", "--tokens-per-second", "0"]));
        using (var client = stack.CreateClient())
            await ChatAsync(client);
        var before = await RowsAsync(stack.Address, count: 1);

        await stack.Proxy.StopAsync(Token);
        await using var restarted = await ProxyStack.StartProxyAsync(stack.ConfigPath, stack.Real!.GrpcAddress, new CollectingLoggerProvider());
        var address = new Uri(restarted.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal)));
        var after = await RowsAsync(address, count: 1);
        using (var client = new HttpClient { BaseAddress = address, Timeout = TaskTimeoutExtensions.DefaultTimeoutSpan })
            await ChatAsync(client);
        var both = await RowsAsync(address, count: 2);

        var row = Assert.Single(before);
        // A row is never seen before its capture; captures stay in memory (captureBuffer): the row comes back without one.
        Assert.True(row.GetProperty("has_capture").GetBoolean(), row.GetRawText());
        Assert.Equal(row.GetRawText().Replace("\"has_capture\":true", "\"has_capture\":false", StringComparison.Ordinal), Assert.Single(after).GetRawText());
        Assert.Equal(("m1", 200), (row.GetProperty("model").GetString(), row.GetProperty("resp_status_code").GetInt32()));
        Assert.True(row.GetProperty("tokens").GetProperty("output_tokens").GetInt64() > 0, row.GetRawText());
        Assert.Equal([2L, 1], both.Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal(2, File.ReadAllLines(file).Length);
    }

    private static async Task ChatAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"m1","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"), Token).DefaultTimeout();
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsStringAsync(Token);
    }

    /// <summary>The activity rows, newest first, once there are <paramref name="count"/> (rows are stored just after the response ends).</summary>
    private static async Task<JsonElement[]> RowsAsync(Uri address, int count)
    {
        using var client = new HttpClient { BaseAddress = address };
        var page = await Eventually.ReadAsync(
            token => client.GetFromJsonAsync<JsonElement>("/api/metrics/activity", token),
            page => page.GetProperty("data").GetArrayLength() >= count,
            $"{count} activity row(s)");
        return [.. page.GetProperty("data").EnumerateArray()];
    }
}
