using System.Diagnostics.Metrics;
using LlamaSwap.Proxy.Activity;

namespace LlamaSwap.Proxy.Metrics;

/// <summary>
/// Token counters and speed histograms, fed from each finished request's activity row (so only where the
/// upstream reported usage or timings), tagged with the model id.
/// </summary>
internal sealed class TokenMetrics
{
    private static readonly double[] SpeedBuckets = [1, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000];

    private readonly Counter<long> _input;
    private readonly Counter<long> _output;
    private readonly Histogram<double> _promptSpeed;
    private readonly Histogram<double> _generationSpeed;

    public TokenMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ProxyMeterNames.Meter);
        _input = meter.CreateCounter<long>(ProxyMeterNames.InputTokens, "{token}", "Prompt tokens reported by upstreams.");
        _output = meter.CreateCounter<long>(ProxyMeterNames.OutputTokens, "{token}", "Generated tokens reported by upstreams.");
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = SpeedBuckets };
        _promptSpeed = meter.CreateHistogram(ProxyMeterNames.PromptTokensPerSecond, "{token}/s", "Prompt processing speed per request.", advice: advice);
        _generationSpeed = meter.CreateHistogram(ProxyMeterNames.GenerationTokensPerSecond, "{token}/s", "Generation speed per request.", advice: advice);
    }

    public void Record(ActivityRecord row)
    {
        var model = new KeyValuePair<string, object?>(ProxyMeterNames.ModelTag, row.Model);
        if (row.Tokens.InputTokens > 0)
            _input.Add(row.Tokens.InputTokens, model);
        if (row.Tokens.OutputTokens > 0)
            _output.Add(row.Tokens.OutputTokens, model);
        if (row.Tokens.PromptPerSecond > 0)
            _promptSpeed.Record(row.Tokens.PromptPerSecond, model);
        if (row.Tokens.TokensPerSecond > 0)
            _generationSpeed.Record(row.Tokens.TokensPerSecond, model);
    }
}
