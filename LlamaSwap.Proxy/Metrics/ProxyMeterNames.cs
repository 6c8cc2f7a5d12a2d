namespace LlamaSwap.Proxy.Metrics;

/// <summary>Telemetry names this service publishes under (OpenTelemetry GenAI conventions where they fit).</summary>
internal static class ProxyMeterNames
{
    /// <summary>The Meter every Proxy instrument lives on; <c>/metrics</c> exports exactly this Meter.</summary>
    public const string Meter = "LlamaSwap.Proxy";

    public const string InputTokens = "llamaswap.proxy.tokens.input";
    public const string OutputTokens = "llamaswap.proxy.tokens.output";
    public const string PromptTokensPerSecond = "llamaswap.proxy.prompt.tokens_per_second";
    public const string GenerationTokensPerSecond = "llamaswap.proxy.generation.tokens_per_second";

    public const string ModelTag = Telemetry.ProxyTelemetry.Tags.MetricModel;
}
