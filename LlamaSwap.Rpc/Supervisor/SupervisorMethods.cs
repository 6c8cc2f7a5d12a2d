namespace LlamaSwap.Rpc.Supervisor.V1;

/// <summary>The method table of <c>llamaswap.supervisor.v1.Supervisor</c>, shared by server and client.</summary>
public static class SupervisorMethods
{
    /// <summary>The fully qualified service name, from the compiled contract.</summary>
    public static readonly string ServiceName = SupervisorReflection.Descriptor.Services[0].FullName;

    public static readonly GrpcMethod<AcquireRequest, AcquireEvent> Acquire = new(GrpcMethodType.ServerStreaming, ServiceName, "Acquire");

    public static readonly GrpcMethod<LoadRequest, LoadReply> Load = new(GrpcMethodType.Unary, ServiceName, "Load");

    public static readonly GrpcMethod<UnloadRequest, UnloadReply> Unload = new(GrpcMethodType.Unary, ServiceName, "Unload");

    public static readonly GrpcMethod<GetStateRequest, StateSnapshot> GetState = new(GrpcMethodType.Unary, ServiceName, "GetState");

    public static readonly GrpcMethod<WatchStateRequest, StateSnapshot> WatchState = new(GrpcMethodType.ServerStreaming, ServiceName, "WatchState");

    public static readonly GrpcMethod<StreamLogsRequest, LogChunk> StreamLogs = new(GrpcMethodType.ServerStreaming, ServiceName, "StreamLogs");
}
