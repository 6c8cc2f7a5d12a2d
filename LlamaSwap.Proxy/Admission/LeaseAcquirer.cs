using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Proxy.Telemetry;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Proxy.Admission;

/// <summary>
/// Asks the Supervisor for a lease on a model's upstream and waits for it (queue, swap, start), inside
/// an <c>acquire</c> span whose context travels to the Supervisor as <c>traceparent</c>. A refusal or
/// failure becomes the HTTP error to answer with; cancellation (client gone, Proxy stopping) ends the
/// Acquire call, which the Supervisor sees at once.
/// </summary>
internal sealed partial class LeaseAcquirer(SupervisorGateway gateway, ProxyTelemetry telemetry, TimeProvider time, ILogger<LeaseAcquirer> logger)
{
    /// <param name="cancellationToken">Client gone or Proxy stopping.</param>
    /// <param name="shuttingDown">Distinguishes a Proxy shutdown (answered 503) from a client leaving.</param>
    public async Task<LeaseOutcome> AcquireAsync(string modelId, string requestId, IProgress<AcquireEvent>? progress,
        CancellationToken cancellationToken, CancellationToken shuttingDown)
    {
        using var activity = telemetry.StartAcquire(modelId);
        var start = time.GetTimestamp();
        try
        {
            var lease = await gateway.Client.AcquireAsync(
                new AcquireRequest { ModelId = modelId, RequestId = requestId },
                progress,
                new CallOptions(CancellationToken: cancellationToken)).ConfigureAwait(false);
            var waited = time.GetElapsedTime(start);
            telemetry.QueueWaited(modelId, waited);
            activity?.SetTag("llamaswap.upstream", lease.Ready.UpstreamBaseUrl);
            return new LeaseOutcome(lease, null);
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            activity?.SetTag(ProxyTelemetry.Tags.Outcome, "cancelled");
            return shuttingDown.IsCancellationRequested
                ? new LeaseOutcome(null, ProxyError.ShuttingDown())
                : new LeaseOutcome(null, null);
        }
        catch (RpcException e)
        {
            var error = SupervisorErrors.ToProxyError(e, gateway.Address);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Detail);
            LogRefused(logger, modelId, e.StatusCode, e.Detail);
            return new LeaseOutcome(null, error);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "no lease for model {Model}: {Code} {Detail}")]
    private static partial void LogRefused(ILogger logger, string model, StatusCode code, string detail);
}
