using System.Net;
using System.Text.Json;
using LlamaSwap.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>A large upload passes through the Proxy as it arrives; it is never held whole first.</summary>
public sealed class UploadStreamingTests
{
    private const int Half = 1024 * 1024;
    private const int SeenEnough = 256 * 1024;

    [Fact]
    public async Task AMultipartUploadReachesTheUpstreamWhileTheClientIsStillSendingIt()
    {
        var upstreamSawTheStart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync(app => app.MapPost("/v1/audio/transcriptions", async context =>
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                total += read;
                if (total >= SeenEnough)
                    upstreamSawTheStart.TrySetResult();
            }

            await context.Response.WriteAsJsonAsync(new { text = "ok", bytes = total }, context.RequestAborted);
        }));
        await using var stack = await ProxyStack.StartAsync(new StackConfig().External("whisper", upstream.Urls.Single(), "    checkEndpoint: none"));
        using var client = stack.CreateClient();
        using var content = new MultipartFormDataContent
        {
            { new StringContent("whisper"), "model" },
            { new GatedContent(upstreamSawTheStart.Task), "file", "speech.wav" },
        };

        using var response = await client.PostAsync("/v1/audio/transcriptions", content, TestContext.Current.CancellationToken).DefaultTimeout();

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("bytes").GetInt64() > 2 * Half, body);
    }

    /// <summary>
    /// A file of unknown length (sent chunked): its first half, then, only once the upstream has seen the start of
    /// the upload, its second half. A Proxy that held the body whole would never let the upstream see it.
    /// </summary>
    private sealed class GatedContent(Task gate) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var data = new byte[Half];
            Array.Fill(data, (byte)'a');
            await stream.WriteAsync(data);
            await stream.FlushAsync();
            try
            {
                await gate.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                Assert.Fail("the upstream saw nothing of the upload while the client was still sending it: the Proxy held the body");
            }

            await stream.WriteAsync(data);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
