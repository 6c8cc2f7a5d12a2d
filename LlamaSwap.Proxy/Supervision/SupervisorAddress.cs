namespace LlamaSwap.Proxy.Supervision;

/// <summary>Where the Supervisor's gRPC endpoint is (from <c>services__supervisor__grpc__0</c>).</summary>
internal sealed record SupervisorAddress(Uri Uri)
{
    public const string ServiceName = "supervisor";
    public const string EndpointName = "grpc";
}
