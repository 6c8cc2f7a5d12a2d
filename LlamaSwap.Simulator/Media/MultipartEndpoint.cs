using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.Media;

/// <summary>
/// An endpoint taking <c>multipart/form-data</c>: reads the form (streaming file parts), takes <c>model</c>
/// from its fields, applies <c>--expect-model</c> and <c>?wait=</c>, then lets the endpoint respond.
/// </summary>
internal abstract class MultipartEndpoint(SimulatorRuntime runtime) : SimulatorEndpoint(runtime)
{
    protected sealed override async Task ProcessAsync(SimulatorCall call)
    {
        var form = await MultipartForm.ReadAsync(call.Context.Request, call.Cancellation);
        call.Model = form.Field("model");
        call.CheckExpectedModel();
        await call.WaitIfRequestedAsync();
        await RespondAsync(call, form);
    }

    protected abstract Task RespondAsync(SimulatorCall call, MultipartForm form);
}
