namespace LlamaSwap.Rpc.Server;

/// <summary>
/// A service implementation that declares its own method table, the way generated gRPC
/// service bases do: <c>endpoints.MapGrpcService&lt;TService&gt;()</c> calls
/// <see cref="Bind"/> once when the endpoints are built.
/// </summary>
public interface IGrpcService
{
    void Bind(GrpcServiceBinder binder);
}
