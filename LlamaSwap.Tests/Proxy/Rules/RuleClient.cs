using System.Net;
using System.Text;
using LlamaSwap.Tests.Infrastructure;
using LlamaSwap.Tests.Proxy.Stack;

namespace LlamaSwap.Tests.Proxy.Rules;

/// <summary>Requests through a Proxy stack, reporting which simulator answered (its <c>X-Simulator-Model</c> header).</summary>
internal static class RuleClient
{
    public sealed record Answer(HttpStatusCode Status, string? Backend, string Body, HttpResponseMessage Response);

    public static async Task<Answer> ChatAsync(HttpClient client, string model, bool stream = false, IReadOnlyDictionary<string, string>? headers = null,
        string path = "/v1/chat/completions")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(
                $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""",
                Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.Add(name, value);
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken).DefaultTimeout();
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken).DefaultTimeout();
        var backend = response.Headers.TryGetValues("X-Simulator-Model", out var values) ? values.Single() : null;
        return new Answer(response.StatusCode, backend, body, response);
    }

    /// <summary>Counts which backend answered each of <paramref name="count"/> requests, <paramref name="parallel"/> at a time; every one must succeed.</summary>
    public static async Task<Dictionary<string, int>> SpreadAsync(ProxyStack stack, string model, int count, int parallel = 8)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = 0;
        async Task Worker()
        {
            using var client = stack.CreateClient();
            while (Interlocked.Increment(ref next) <= count)
            {
                var answer = await ChatAsync(client, model);
                Assert.True(answer.Status == HttpStatusCode.OK, $"{(int)answer.Status} {answer.Body}");
                lock (counts)
                    counts[answer.Backend!] = counts.GetValueOrDefault(answer.Backend!) + 1;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Worker()));
        return counts;
    }

    public static async Task<string> MetricsAsync(ProxyStack stack)
    {
        using var client = stack.CreateClient();
        return await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken).DefaultTimeout();
    }
}
