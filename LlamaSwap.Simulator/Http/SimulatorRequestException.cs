namespace LlamaSwap.Simulator.Http;

/// <summary>A request the simulator refuses; becomes an error response in the endpoint's protocol.</summary>
internal sealed class SimulatorRequestException(int statusCode, string message, string? param = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The request field the error is about, reported as OpenAI's <c>param</c>.</summary>
    public string? Param { get; } = param;

    public static SimulatorRequestException BadRequest(string message, string? param = null) =>
        new(StatusCodes.Status400BadRequest, message, param);
}
