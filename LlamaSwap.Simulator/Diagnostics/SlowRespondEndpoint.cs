using LlamaSwap.Simulator.Http;
using LlamaSwap.Simulator.Options;

namespace LlamaSwap.Simulator.Diagnostics;

/// <summary>
/// <c>GET /slow-respond?echo=TEXT&amp;delay=DURATION</c>: writes the text one character at a time, flushing
/// each and pausing <c>delay</c> (default 100ms) after it — for streaming and disconnect tests. Answers even
/// while the model loads.
/// </summary>
internal sealed class SlowRespondEndpoint(SimulatorRuntime runtime) : SimulatorEndpoint(runtime)
{
    public const string DefaultEcho = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromMilliseconds(100);

    protected override bool RequiresLoadedModel => false;

    protected override async Task ProcessAsync(SimulatorCall call)
    {
        var query = call.Context.Request.Query;
        string echo = query["echo"].ToString() is { Length: > 0 } text ? text : DefaultEcho;
        var delay = DefaultDelay;
        if (query["delay"].ToString() is { Length: > 0 } delayText && !DurationParser.TryParse(delayText, out delay))
            throw SimulatorRequestException.BadRequest($"query parameter 'delay' is not a duration: '{delayText}' (examples: 10ms, 1s)", "delay");

        var response = call.Context.Response;
        response.ContentType = ContentTypes.PlainText;
        var buffer = new byte[4];
        foreach (var rune in echo.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            await response.Body.WriteAsync(buffer.AsMemory(0, length), call.Cancellation);
            await response.Body.FlushAsync(call.Cancellation);
            await Task.Delay(delay, Runtime.Time, call.Cancellation);
        }
    }
}
