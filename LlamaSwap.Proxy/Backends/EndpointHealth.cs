namespace LlamaSwap.Proxy.Backends;

/// <summary>What the last health check of an endpoint model found.</summary>
/// <param name="Healthy">In rotation: the last check answered 200 (or none has run yet).</param>
/// <param name="LatencyMs">How long the last check took.</param>
/// <param name="ConsecutiveFailures">Failed checks since the last success.</param>
/// <param name="LastError">Why the last check failed; null after a success.</param>
/// <param name="CheckedAt">When the last check ended; null before the first.</param>
internal sealed record EndpointHealth(bool Healthy, double LatencyMs, int ConsecutiveFailures, string? LastError, DateTimeOffset? CheckedAt)
{
    public static readonly EndpointHealth Unchecked = new(true, 0, 0, null, null);
}
