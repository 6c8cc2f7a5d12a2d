namespace LlamaSwap.Supervisor.Hosting;

/// <summary>
/// Configuration keys the Supervisor reads (environment: <c>LlamaSwap__HostId</c> and so on) and the
/// endpoints it listens on when nothing configures them.
/// </summary>
internal static class SupervisorSettings
{
    /// <summary>Stable id of this host in the contract's <c>HostIdentity</c>; default: the machine name.</summary>
    public const string HostIdKey = "LlamaSwap:HostId";

    /// <summary>Human-readable host name; default: the machine name.</summary>
    public const string HostNameKey = "LlamaSwap:HostName";

    /// <summary>Where running upstreams are recorded for the leftover reaper; one file per Supervisor.</summary>
    public const string StateFileKey = "LlamaSwap:StateFile";

    /// <summary>The configuration file used when neither <c>LlamaSwap:ConfigFile</c> nor <c>LlamaSwap:ConfigDirectory</c> is set.</summary>
    public const string DefaultConfigFile = "models.yaml";

    /// <summary>Kestrel endpoint names, as the AppHost sets them (<c>Kestrel__Endpoints__grpc__Url</c>).</summary>
    public const string HttpEndpoint = "http";

    public const string GrpcEndpoint = "grpc";

    /// <summary>HTTP/1.1: <c>/health</c>, <c>/alive</c>, <c>/metrics</c>.</summary>
    public const string DefaultHttpUrl = "http://127.0.0.1:5100";

    /// <summary>HTTP/2 cleartext (h2c): the gRPC services.</summary>
    public const string DefaultGrpcUrl = "http://127.0.0.1:5101";

    public const string MetricsPath = "/metrics";

    public static string EndpointKey(string endpoint, string setting) => $"Kestrel:Endpoints:{endpoint}:{setting}";
}
