using System.Text;
using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Options;

namespace LlamaSwap.Simulator.Http;

/// <summary>
/// One request being served: what was asked (model, streaming), its cancellation (client gone or server
/// stopping) and the response being generated. Its state makes up the per-request log line.
/// </summary>
internal sealed class SimulatorCall : IDisposable
{
    private readonly CancellationTokenSource _cancellation;

    public SimulatorCall(HttpContext context, SimulatorRuntime runtime)
    {
        Context = context;
        Runtime = runtime;
        StartTimestamp = runtime.Time.GetTimestamp();
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, runtime.Stopping);
        Echo = IsTrue(context.Request.Query[SimulatorWire.EchoQuery]);
    }

    public HttpContext Context { get; }

    public SimulatorRuntime Runtime { get; }

    public long StartTimestamp { get; }

    /// <summary>Cancelled when the client goes away or the server shuts down.</summary>
    public CancellationToken Cancellation => _cancellation.Token;

    public string? Model { get; set; }

    public bool Stream { get; set; }

    /// <summary><c>?echo=true</c>: responses include the raw request body, Content-Length, path and headers.</summary>
    public bool Echo { get; }

    public JsonRequestBody? Body { get; set; }

    public GenerationRun? Generation { get; private set; }

    /// <summary>The model name to put in response bodies: the one asked for, as llama-server answers.</summary>
    public string ResponseModel => Model ?? Runtime.Identity.Model;

    public int TokensEmitted => Generation?.Emitted ?? 0;

    public GenerationRun StartGeneration(int? requestCap, PromptDigest prompt)
    {
        var plan = GenerationPlan.Create(Runtime.Text, Runtime.Options.MaxTokens, requestCap, prompt);
        Generation = new GenerationRun(plan, Runtime.Text, Runtime.Pacer, Runtime.Crash, StartTimestamp);
        return Generation;
    }

    public static bool IsTrue(string? value) =>
        string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";

    /// <summary>Rejects a request naming another model when <c>--expect-model</c> is set.</summary>
    public void CheckExpectedModel()
    {
        var expected = Runtime.Options.ExpectModel;
        if (expected is not null && !string.Equals(Model, expected, StringComparison.Ordinal))
        {
            throw SimulatorRequestException.BadRequest(
                $"model '{Model ?? "(none)"}' does not match the expected model '{expected}' (--expect-model)", "model");
        }
    }

    /// <summary>Honours <c>?wait=DURATION</c>: sleeps before answering, cancellable like generation.</summary>
    public Task WaitIfRequestedAsync()
    {
        string? wait = Context.Request.Query[SimulatorWire.WaitQuery];
        if (string.IsNullOrEmpty(wait))
            return Task.CompletedTask;
        if (!DurationParser.TryParse(wait, out var delay))
            throw SimulatorRequestException.BadRequest($"query parameter 'wait' is not a duration: '{wait}' (examples: 500ms, 2s)", "wait");
        return Task.Delay(delay, Runtime.Time, Cancellation);
    }

    /// <summary>Writes the <c>simulator</c> identity object and, in echo mode, the request echo fields.</summary>
    public void WriteSimulatorProperties(Utf8JsonWriter writer)
    {
        Runtime.Identity.WriteProperty(writer);
        if (!Echo)
            return;

        var request = Context.Request;
        if (Body is not null)
            writer.WriteString(SimulatorWire.RequestBody, Encoding.UTF8.GetString(Body.Raw.Span));
        WriteReceivedContentHeaders(writer);
        writer.WriteString(SimulatorWire.RequestPath, request.Path.Value + request.QueryString.Value);
        writer.WriteStartObject(SimulatorWire.RequestHeaders);
        foreach (var header in request.Headers)
            writer.WriteString(header.Key.ToLowerInvariant(), header.Value.ToString());
        writer.WriteEndObject();
    }

    /// <summary>The Content-Type and Content-Length the request arrived with (null when absent).</summary>
    public void WriteReceivedContentHeaders(Utf8JsonWriter writer)
    {
        var request = Context.Request;
        writer.WriteString(SimulatorWire.ContentTypeHeader, request.ContentType);
        if (request.ContentLength is { } length)
            writer.WriteNumber(SimulatorWire.ContentLengthHeader, length);
        else
            writer.WriteNull(SimulatorWire.ContentLengthHeader);
    }

    public void Dispose()
    {
        _cancellation.Dispose();
        Body?.Dispose();
    }
}
