using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlamaSwap.Rpc.Server.Internal;

/// <summary>What every call handler shares: options, clock, logging, the registry of mapped services, the call count.</summary>
internal sealed class GrpcServerRuntime(
    IOptions<GrpcServerOptions> options,
    ILoggerFactory loggerFactory,
    IHostApplicationLifetime? lifetime = null,
    TimeProvider? timeProvider = null)
{
    public GrpcServerOptions Options { get; } = options.Value;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("LlamaSwap.Rpc.Server");

    public TimeProvider TimeProvider { get; } = timeProvider ?? TimeProvider.System;

    /// <summary>Fires when the host stops, so long-lived streams end instead of holding shutdown up.</summary>
    public CancellationToken ServerStopping { get; } = lifetime?.ApplicationStopping ?? CancellationToken.None;

    public GrpcCallTracker Calls { get; } = new();

    public GrpcServiceRegistry Services { get; } = new();
}
