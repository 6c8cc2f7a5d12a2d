namespace LlamaSwap.Simulator.Http;

/// <summary>
/// Base of every model endpoint. In order: refuse with 503 while the model loads; let the endpoint read the
/// request and respond; turn refusals into the protocol's error envelope; and write exactly one log line —
/// the request line, or a <c>request cancelled</c> line when the client left or the server stopped.
/// </summary>
internal abstract class SimulatorEndpoint(SimulatorRuntime runtime)
{
    protected SimulatorRuntime Runtime => runtime;

    protected virtual ErrorFormat ErrorFormat => ErrorFormat.OpenAi;

    /// <summary>Whether the endpoint answers 503 "Loading model" until the model has loaded.</summary>
    protected virtual bool RequiresLoadedModel => true;

    public async Task HandleAsync(HttpContext context)
    {
        using var call = new SimulatorCall(context, runtime);
        var request = context.Request;
        var cancelled = false;
        try
        {
            if (RequiresLoadedModel && !runtime.LoadGate.IsLoaded)
            {
                await ErrorResponses.WriteAsync(context, ErrorFormat, StatusCodes.Status503ServiceUnavailable, "Loading model");
                return;
            }

            await ProcessAsync(call);
        }
        catch (SimulatorRequestException e) when (!context.Response.HasStarted)
        {
            await ErrorResponses.WriteAsync(context, ErrorFormat, e.StatusCode, e.Message, e.Param);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // Kestrel refused the request body itself (malformed chunking, body too slow…).
            await ErrorResponses.WriteAsync(context, ErrorFormat, e.StatusCode, $"bad request body: {e.Message}");
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            cancelled = true;
            var reason = context.RequestAborted.IsCancellationRequested || e is IOException
                ? "client disconnected"
                : runtime.Stopping.IsCancellationRequested ? "server stopping" : "client stopped reading";
            runtime.Log.Cancelled(request.Method, request.Path.Value ?? "", call.Model, call.TokensEmitted, reason);
            context.Abort();
        }
        finally
        {
            if (!cancelled)
            {
                runtime.Log.Request(request.Method, request.Path.Value ?? "", call.Model, call.Stream, call.TokensEmitted,
                    context.Response.StatusCode);
            }
        }
    }

    /// <summary>Reads the request and writes the response; throws <see cref="SimulatorRequestException"/> to refuse.</summary>
    protected abstract Task ProcessAsync(SimulatorCall call);
}
