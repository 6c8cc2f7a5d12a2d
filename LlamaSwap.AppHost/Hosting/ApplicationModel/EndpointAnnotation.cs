namespace LlamaSwap.AppHost.Hosting.ApplicationModel;

/// <summary>
/// A network endpoint of a resource. The port is allocated when the application starts unless the
/// user fixed it (the Proxy's <c>--listen</c>); it stays the same across restarts of the resource,
/// so references held by other resources never go stale.
/// </summary>
public sealed class EndpointAnnotation(string name, string host, int? port, bool http2Only)
{
    public string Name { get; } = name;
    public string Host { get; } = host;
    /// <summary>h2c (prior knowledge) only, as a gRPC endpoint needs.</summary>
    public bool Http2Only { get; } = http2Only;
    public int? Port { get; internal set; } = port;

    public Uri Url => new($"http://{Host}:{Port ?? throw new InvalidOperationException($"endpoint '{Name}' has no port yet")}");
}
