using System.Net;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Benchmarks.Servers;

/// <summary>
/// The gRPC server of the transport benchmark: our LlamaSwap.Rpc server on an h2c Kestrel
/// endpoint, run by this executable as its own child process (<c>serve-grpc</c>) so that the
/// client measuring it does not share its process. Messages are well-known wrapper types, so
/// python3-grpcio can call it with raw bytes and no generated code.
/// </summary>
internal static class GrpcBenchServer
{
    public const string Command = "serve-grpc";
    public const string ServiceName = "llamaswap.bench.v1.Bench";

    /// <summary>Answers with the request: one round trip.</summary>
    public static GrpcMethod<BytesValue, BytesValue> Echo { get; } = new(GrpcMethodType.Unary, ServiceName, "Echo");

    /// <summary>Streams as many 32-byte messages as asked for, as fast as the transport takes them.</summary>
    public static GrpcMethod<UInt32Value, BytesValue> Stream { get; } = new(GrpcMethodType.ServerStreaming, ServiceName, "Stream");

    /// <summary>
    /// The shape of an Acquire on a model that is already running: one message at once, then the
    /// call stays open until the client ends it. Its cost is the floor under any real Acquire.
    /// </summary>
    public static GrpcMethod<BytesValue, BytesValue> Lease { get; } = new(GrpcMethodType.ServerStreaming, ServiceName, "Lease");

    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpcServer();
        var app = builder.Build();

        var payload = new BytesValue { Value = ByteString.CopyFrom(new byte[32]) };
        app.MapGrpcUnary(Echo, static (request, _) => Task.FromResult(request));
        app.MapGrpcServerStreaming(Stream, async (request, writer, context) =>
        {
            for (var i = 0u; i < request.Value; i++)
            {
                await writer.WriteAsync(payload, context.CancellationToken);
            }
        });
        app.MapGrpcServerStreaming(Lease, static async (request, writer, context) =>
        {
            await writer.WriteAsync(request, context.CancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The client ended the lease: the normal end of this call.
            }
        });

        await app.StartAsync();
        Console.WriteLine($"listening on {app.Urls.Single()}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
