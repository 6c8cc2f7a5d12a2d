using LlamaSwap.Rpc.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LlamaSwap.Rpc.Server.Internal;

/// <summary>
/// Answers gRPC calls to paths no service maps with a Trailers-Only UNIMPLEMENTED, the way
/// grpc-dotnet's catch-all routes do; non-gRPC requests never match it.
/// </summary>
internal sealed class UnimplementedCallHandler(GrpcServerRuntime runtime)
{
    public const string PathParameter = "grpcUnimplementedPath";

    public Task HandleAsync(HttpContext httpContext)
    {
        WriteUnimplemented(httpContext);
        return RequestBodyDrain.DrainAsync(httpContext, runtime.Options.MaxReceiveMessageSize, runtime.TimeProvider, httpContext.RequestAborted);
    }

    private void WriteUnimplemented(HttpContext httpContext)
    {
        var path = httpContext.Request.Path.Value ?? string.Empty;
        ServerLog.Unimplemented(runtime.Logger, path);
        var service = path.TrimStart('/').Split('/', 2)[0];
        var detail = runtime.Services.IsKnownService(service)
            ? GrpcProtocolConstants.Messages.MethodUnimplemented
            : GrpcProtocolConstants.Messages.ServiceUnimplemented;
        ServerProtocol.WriteStatus(httpContext.Response, StatusCode.Unimplemented, detail);
    }

    /// <summary>Matches only requests whose content type is gRPC, so other routes and 404s are unaffected.</summary>
    internal sealed class GrpcContentTypeConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            httpContext is not null && GrpcContentType.IsGrpc(httpContext.Request.ContentType);
    }
}
