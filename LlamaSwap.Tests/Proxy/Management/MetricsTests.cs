using System.Diagnostics.Metrics;
using System.Net;
using LlamaSwap.Proxy.Activity;
using LlamaSwap.Proxy.Metrics;
using LlamaSwap.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class MetricsTests
{
    private const string Yaml = "models:\n  qwen:\n    proxy: http://127.0.0.1:1\n";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void CollectorAggregatesThisHostsProxyMeterOnly()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var collector = new MeterCollector(factory);
        var meter = factory.Create(ProxyMeterNames.Meter);
        using var otherHost = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var foreign = otherHost.GetRequiredService<IMeterFactory>().Create(ProxyMeterNames.Meter);
        var unrelated = factory.Create("Something.Else");

        var requests = meter.CreateCounter<long>("llamaswap.proxy.requests", "{request}", "Requests answered.");
        var inFlight = meter.CreateUpDownCounter<int>("llamaswap.proxy.in_flight", "{request}");
        var duration = meter.CreateHistogram("llamaswap.proxy.request.duration", "s", "Request duration.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        var loaded = 3;
        meter.CreateObservableGauge("llamaswap.proxy.models.loaded", () => loaded);
        foreign.CreateCounter<long>("llamaswap.proxy.requests").Add(100);
        unrelated.CreateCounter<long>("other").Add(1);

        var model = new KeyValuePair<string, object?>("gen_ai.request.model", "qwen");
        requests.Add(2, model, new("http.response.status_code", 200));
        requests.Add(1, model, new("http.response.status_code", 200));
        requests.Add(1, model, new("http.response.status_code", 429));
        inFlight.Add(2, model);
        inFlight.Add(-1, model);
        duration.Record(0.05, model);
        duration.Record(1, model);
        duration.Record(42, model);

        var text = PrometheusTextWriter.Write(collector.Collect());

        Assert.Equal(
            "# TYPE llamaswap_proxy_in_flight gauge\n"
            + "llamaswap_proxy_in_flight{gen_ai_request_model=\"qwen\"} 1\n"
            + "# TYPE llamaswap_proxy_models_loaded gauge\n"
            + "llamaswap_proxy_models_loaded 3\n"
            + "# HELP llamaswap_proxy_request_duration_seconds Request duration.\n"
            + "# TYPE llamaswap_proxy_request_duration_seconds histogram\n"
            + "llamaswap_proxy_request_duration_seconds_bucket{gen_ai_request_model=\"qwen\",le=\"0.1\"} 1\n"
            + "llamaswap_proxy_request_duration_seconds_bucket{gen_ai_request_model=\"qwen\",le=\"1\"} 2\n"
            + "llamaswap_proxy_request_duration_seconds_bucket{gen_ai_request_model=\"qwen\",le=\"10\"} 2\n"
            + "llamaswap_proxy_request_duration_seconds_bucket{gen_ai_request_model=\"qwen\",le=\"+Inf\"} 3\n"
            + "llamaswap_proxy_request_duration_seconds_sum{gen_ai_request_model=\"qwen\"} 43.05\n"
            + "llamaswap_proxy_request_duration_seconds_count{gen_ai_request_model=\"qwen\"} 3\n"
            + "# HELP llamaswap_proxy_requests_total Requests answered.\n"
            + "# TYPE llamaswap_proxy_requests_total counter\n"
            + "llamaswap_proxy_requests_total{gen_ai_request_model=\"qwen\",http_response_status_code=\"200\"} 3\n"
            + "llamaswap_proxy_requests_total{gen_ai_request_model=\"qwen\",http_response_status_code=\"429\"} 1\n",
            text);

        loaded = 1;
        Assert.Contains("llamaswap_proxy_models_loaded 1\n", PrometheusTextWriter.Write(collector.Collect()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsRouteServesTokenMetricsFromActivityAndAppendsTheSupervisorsMetrics()
    {
        await using var supervisorMetrics = await MetricsServer.StartAsync("# TYPE llamaswap_gpu_util_percent gauge\nllamaswap_gpu_util_percent{id=\"0\",name=\"RTX\"} 87\n");
        await using var host = await ManagementHost.StartAsync(Yaml, builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["services:supervisor:http:0"] = supervisorMetrics.Address.ToString() }));
        var processor = host.Get<ActivityProcessor>();
        var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        processor.Recorded += _ => recorded.TrySetResult();

        await using (var scope = host.Get<IRequestActivity>().Begin(ActivityHarness.Request("POST", "/v1/chat/completions"), "qwen", "qwen"))
        {
            scope.ResponseStarted(200, ActivityHarness.Headers(("Content-Type", "application/json")));
            scope.ResponseChunk("""{"usage":{"prompt_tokens":12,"completion_tokens":30},"timings":{"prompt_n":12,"predicted_n":30,"prompt_per_second":240,"predicted_per_second":42}}"""u8);
        }

        await recorded.Task.DefaultTimeout();

        using var response = await host.Client.GetAsync("/metrics", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.Contains("llamaswap_proxy_tokens_input_total{gen_ai_request_model=\"qwen\"} 12\n", text, StringComparison.Ordinal);
        Assert.Contains("llamaswap_proxy_tokens_output_total{gen_ai_request_model=\"qwen\"} 30\n", text, StringComparison.Ordinal);
        Assert.Contains("llamaswap_proxy_generation_tokens_per_second_bucket{gen_ai_request_model=\"qwen\",le=\"50\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("llamaswap_proxy_generation_tokens_per_second_bucket{gen_ai_request_model=\"qwen\",le=\"30\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("llamaswap_proxy_prompt_tokens_per_second_sum{gen_ai_request_model=\"qwen\"} 240\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n# TYPE llamaswap_gpu_util_percent gauge\nllamaswap_gpu_util_percent{id=\"0\",name=\"RTX\"} 87\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASupervisorThatDoesNotAnswerCostsTheScrapeOnlyTheTimeout()
    {
        await using var silent = await MetricsServer.StartAsync(null);
        await using var host = await ManagementHost.StartAsync(Yaml, builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["services:supervisor:http:0"] = silent.Address.ToString() }));
        host.Get<SupervisorMetricsSource>().Timeout = TimeSpan.FromMilliseconds(200);

        using var response = await host.Client.GetAsync("/metrics", Token).DefaultTimeout(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith($"# supervisor metrics unavailable: {silent.Address} did not answer within 0.2 s\n", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutASupervisorAddressOnlyTheProxysMetricsAreServed()
    {
        await using var host = await ManagementHost.StartAsync(Yaml);

        using var response = await host.Client.GetAsync("/metrics", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("supervisor", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    /// <summary>A stand-in for the Supervisor's HTTP endpoint: serves fixed metrics text, or never answers.</summary>
    private sealed class MetricsServer(WebApplication app) : IAsyncDisposable
    {
        public Uri Address { get; } = new(app.Urls.Single() + "/");

        public static async Task<MetricsServer> StartAsync(string? text)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/metrics", async context =>
            {
                if (text is null)
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                    return;
                }

                context.Response.ContentType = "text/plain; version=0.0.4";
                await context.Response.WriteAsync(text, context.RequestAborted);
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            return new MetricsServer(app);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
