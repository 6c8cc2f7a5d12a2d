using System.Net;
using LlamaSwap.Proxy.Logs;
using LlamaSwap.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class LogRouteTests
{
    private const string Yaml = """
        models:
          author/model:
            cmd: sim --port ${PORT}
            aliases: [am]
          other:
            cmd: sim --port ${PORT}
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ILogger Logger(ManagementHost host) => host.Get<ILoggerFactory>().CreateLogger("LlamaSwap.Proxy.Test");

    private static async Task<HttpResponseMessage> OpenStreamAsync(ManagementHost host, string path)
    {
        var response = await host.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.True(response.Headers.TransferEncodingChunked);
        return response;
    }

    [Fact]
    public async Task LogsServesTheCombinedHistoryAndSendsBrowsersToTheUi()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);
        Logger(host).LogInformation("model other is ready");

        using var text = await host.Client.GetAsync("/logs", Token);
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.Contains("[INFO] model other is ready\n", await text.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/logs");
        request.Headers.Add("Accept", "text/html,application/xhtml+xml");
        using var browser = await noRedirects.SendAsync(request, Token);
        Assert.Equal(HttpStatusCode.Found, browser.StatusCode);
        Assert.Equal("/ui/", browser.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ProxyStreamSendsHistoryThenLiveLines()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);
        Logger(host).LogInformation("before the stream");

        using var response = await OpenStreamAsync(host, "/logs/stream/proxy");
        var reading = new StreamReading(await response.Content.ReadAsStreamAsync(Token));
        await reading.UntilAsync("[INFO] before the stream\n");
        Logger(host).LogWarning("while streaming");

        var text = await reading.UntilAsync("[WARN] while streaming\n");
        Assert.True(text.IndexOf("before the stream", StringComparison.Ordinal) < text.IndexOf("while streaming", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoHistoryStreamsOnlyWhatIsWrittenAfterward()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);
        Logger(host).LogInformation("old line");

        foreach (var path in new[] { "/logs/stream/proxy?no-history", "/logs/stream?no-history" })
        {
            using var response = await OpenStreamAsync(host, path);
            var reading = new StreamReading(await response.Content.ReadAsStreamAsync(Token));
            Logger(host).LogInformation("new line for {Path}", path);

            var text = await reading.UntilAsync($"new line for {path}");
            Assert.DoesNotContain("old line", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UpstreamStreamMirrorsTheSupervisorsUpstreamLog()
    {
        await using var host = await ManagementHost.StartAsync(Yaml, script: s => s.WriteLog("upstream", "srv  load_model: loading\n"));

        using var response = await OpenStreamAsync(host, "/logs/stream/upstream");
        var reading = new StreamReading(await response.Content.ReadAsStreamAsync(Token));
        await reading.UntilAsync("load_model: loading\n");
        host.Supervisor.WriteLog("upstream", "\u001b[32mserver is listening\u001b[0m\n");

        var text = await reading.UntilAsync("server is listening");
        Assert.Equal("srv  load_model: loading\n\u001b[32mserver is listening\u001b[0m\n", text);
        Assert.Single(host.Supervisor.LogRequests, r => r.Source == "upstream");
    }

    [Fact]
    public async Task ModelStreamRelaysThatProcessOutputByIdOrAlias()
    {
        await using var host = await ManagementHost.StartAsync(Yaml, script: s => s.WriteLog("author/model", "history of author/model\n"));

        using var response = await OpenStreamAsync(host, "/logs/stream/am");
        var reading = new StreamReading(await response.Content.ReadAsStreamAsync(Token));
        await reading.UntilAsync("history of author/model\n");
        host.Supervisor.WriteLog("author/model", "live line\n");
        Assert.Equal("history of author/model\nlive line\n", await reading.UntilAsync("live line\n"));

        using var byId = await OpenStreamAsync(host, "/logs/stream/author/model?no-history");
        var live = new StreamReading(await byId.Content.ReadAsStreamAsync(Token));
        await host.Supervisor.LogReadersAsync("author/model", 2).DefaultTimeout();
        host.Supervisor.WriteLog("author/model", "second live line\n");
        Assert.Equal("second live line\n", await live.UntilAsync("second live line\n"));

        Assert.Contains(host.Supervisor.LogRequests, r => r.Source == "author/model" && !r.NoHistory);
        Assert.Contains(host.Supervisor.LogRequests, r => r.Source == "author/model" && r.NoHistory);
    }

    [Theory]
    [InlineData("/logs/stream/nobody")]
    [InlineData("/logs/stream/author")]
    [InlineData("/logs/stream/proxy/extra")]
    public async Task UnknownLoggerIsABadRequest(string path)
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        using var response = await host.Client.GetAsync(path, Token);

        await response.AssertErrorAsync(400, LogEndpoints.InvalidLogger);
    }

    [Fact]
    public async Task StreamsEndWhenTheServiceStops()
    {
        var host = await ManagementHost.StartAsync(Yaml);
        try
        {
            using var response = await OpenStreamAsync(host, "/logs/stream/proxy");
            var reading = new StreamReading(await response.Content.ReadAsStreamAsync(Token));
            await host.App.StopAsync(Token).DefaultTimeout();

            await reading.ToEndAsync();
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
