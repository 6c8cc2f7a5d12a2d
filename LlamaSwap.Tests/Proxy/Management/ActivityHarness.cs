using System.Diagnostics.Metrics;
using LlamaSwap.Proxy.Activity;
using LlamaSwap.Proxy.Events;
using LlamaSwap.Proxy.Logs;
using LlamaSwap.Proxy.Metrics;
using LlamaSwap.Proxy.Resolution;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaSwap.Tests.Proxy.Management;

/// <summary>The activity pipeline without a server: a manual clock, and rows processed when the test says.</summary>
internal sealed class ActivityHarness : IDisposable
{
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public ActivityHarness(string yaml = "captureBuffer: 1\nmodels:\n  qwen:\n    proxy: http://127.0.0.1:1\n")
    {
        Config = new TestConfigProvider(TestConfigProvider.Load(yaml));
        InFlight = new InFlightTracker(Time);
        Hub = new EventHub(new LogFeeds(), InFlight, Config, new NoSupervisorGateway(), new ActiveProfile());
        Processor = new ActivityProcessor(Store, Captures, Hub, new TokenMetrics(_meters.GetRequiredService<IMeterFactory>()), Config, NullLogger<ActivityProcessor>.Instance);
        Recorder = new RequestActivityRecorder(InFlight, Processor, Config, Time);
    }

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public TestConfigProvider Config { get; }

    public InFlightTracker InFlight { get; }

    public ActivityStore Store { get; } = new();

    public CaptureStore Captures { get; } = new();

    public EventHub Hub { get; }

    public ActivityProcessor Processor { get; }

    public RequestActivityRecorder Recorder { get; }

    public IMeterFactory MeterFactory => _meters.GetRequiredService<IMeterFactory>();

    public static DefaultHttpContext Request(string method, string path, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        foreach (var (name, value) in headers)
            context.Request.Headers[name] = value;
        return context;
    }

    public static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var result = new HeaderDictionary();
        foreach (var (name, value) in headers)
            result[name] = value;
        return result;
    }

    /// <summary>Processes queued requests and returns the newest row.</summary>
    public ActivityRow Latest()
    {
        Assert.True(Processor.ProcessPending() > 0, "no request was queued for the activity log");
        return Store.Query(ActivityQuery.Default with { Limit = 1 }, Captures.Contains).Data.Single();
    }

    public void Dispose() => _meters.Dispose();
}
