using System.Text.Json;

namespace LlamaSwap.Simulator.Http;

/// <summary>
/// An endpoint taking a JSON body: parses it, reads <c>model</c> (and <c>stream</c> where the endpoint
/// streams), applies <c>--expect-model</c> and <c>?wait=</c>, then lets the endpoint respond.
/// </summary>
internal abstract class JsonInferenceEndpoint(SimulatorRuntime runtime) : SimulatorEndpoint(runtime)
{
    /// <summary>Whether <c>stream: true</c> (or <c>?stream=true</c>) selects a streamed response.</summary>
    protected virtual bool SupportsStreaming => false;

    protected sealed override async Task ProcessAsync(SimulatorCall call)
    {
        call.Body = await JsonRequestBody.ReadAsync(call.Context.Request, call.Cancellation);
        var root = call.Body.Root;
        call.Model = RequestFields.OptionalString(root, "model");
        if (SupportsStreaming)
        {
            call.Stream = RequestFields.OptionalBool(root, "stream")
                || SimulatorCall.IsTrue(call.Context.Request.Query[SimulatorWire.StreamQuery]);
        }

        call.CheckExpectedModel();
        await call.WaitIfRequestedAsync();
        await RespondAsync(call, root);
    }

    protected abstract Task RespondAsync(SimulatorCall call, JsonElement root);
}
