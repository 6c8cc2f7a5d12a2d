using LlamaSwap.Rpc.Wire;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Rpc.Server.Internal;

/// <summary>
/// The request delegate of one mapped method: validates the exchange (HTTP/2, gRPC content
/// type), runs the call and turns every outcome into a status.
/// </summary>
internal abstract class ServerCallHandler(string path, GrpcServerRuntime runtime)
{
    protected GrpcServerRuntime Runtime { get; } = runtime;

    public async Task HandleAsync(HttpContext httpContext)
    {
        if (!TryAccept(httpContext))
        {
            await RequestBodyDrain.DrainAsync(httpContext, Runtime.Options.MaxReceiveMessageSize, Runtime.TimeProvider, httpContext.RequestAborted);
            return;
        }

        using var call = new ServerCall(httpContext, path, Runtime);
        try
        {
            await HandleCallAsync(call);
        }
        catch (Exception ex)
        {
            call.CompleteWithException(ex);
            await call.DrainRequestAsync();
        }
    }

    protected abstract Task HandleCallAsync(ServerCall call);

    private bool TryAccept(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            // grpc-dotnet: 426 Upgrade Required, so an HTTP/1.1 caller learns what to speak.
            ServerLog.RequestRefused(Runtime.Logger, path, $"protocol {request.Protocol}");
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            response.Headers[GrpcProtocolConstants.UpgradeHeader] = GrpcProtocolConstants.Http2Upgrade;
            ServerProtocol.WriteStatus(response, StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported.");
            return false;
        }

        if (!GrpcContentType.IsGrpc(request.ContentType))
        {
            // PROTOCOL-HTTP2.md: "the server SHOULD respond with HTTP status 415".
            ServerLog.RequestRefused(Runtime.Logger, path, $"content-type '{request.ContentType}'");
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            ServerProtocol.WriteStatus(response, StatusCode.Internal, $"Content-Type '{request.ContentType}' is not supported.");
            return false;
        }

        response.ContentType = GrpcProtocolConstants.ContentType;
        return true;
    }
}
