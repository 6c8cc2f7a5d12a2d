using System.Diagnostics;
using LlamaSwap.Rpc.Server;
using LlamaSwap.Supervisor.Telemetry;

namespace LlamaSwap.Supervisor.Grpc;

/// <summary>
/// Starts the span of one incoming call as part of the caller's trace: the W3C <c>traceparent</c> (and
/// <c>tracestate</c>) from the call metadata are its parent, so Proxy → Supervisor is one trace. The span becomes
/// <see cref="Activity.Current"/>, so the scheduler's spans (acquire, swap, start model, …) nest under it.
/// </summary>
internal static class GrpcServerSpan
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";
    private const string GrpcSystem = "grpc";

    public static Activity? Start(ServerCallContext context, string path, string? modelId)
    {
        var parent = ParentOf(context, Activity.Current, out var remote);
        var activity = SupervisorTelemetry.ActivitySource.StartActivity(
            SupervisorTelemetry.Spans.GrpcServer(path), remote ? ActivityKind.Server : ActivityKind.Internal, parent);
        if (activity is null)
            return null;
        var slash = path.LastIndexOf('/');
        activity.SetTag(SupervisorTelemetry.Tags.RpcSystem, GrpcSystem);
        activity.SetTag(SupervisorTelemetry.Tags.RpcService, path[1..slash]);
        activity.SetTag(SupervisorTelemetry.Tags.RpcMethod, path[(slash + 1)..]);
        if (modelId is not null)
            activity.SetTag(SupervisorTelemetry.Tags.Model, modelId);
        return activity;
    }

    /// <summary>
    /// The caller's context from the metadata. When ASP.NET Core already started a request span from the same
    /// header (it reads <c>traceparent</c> too when it is being traced), the call's span nests under that one
    /// instead, so the trace keeps one line. <paramref name="remote"/> tells whether the parent is the caller's.
    /// </summary>
    internal static ActivityContext ParentOf(ServerCallContext context, Activity? ambient, out bool remote)
    {
        var traceParent = context.RequestHeaders.GetValue(TraceParentHeader);
        var traceState = context.RequestHeaders.GetValue(TraceStateHeader);
        if (traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var caller))
        {
            remote = ambient is null || ambient.TraceId != caller.TraceId;
            return remote ? caller : ambient!.Context;
        }

        remote = ambient is null;
        return ambient?.Context ?? default;
    }
}
