namespace LlamaSwap.Simulator.Http;

/// <summary>Which protocol's error envelope an endpoint answers with.</summary>
internal enum ErrorFormat
{
    /// <summary><c>{"error":{"message","type","param","code"}}</c>, also used by llama-server.</summary>
    OpenAi,

    /// <summary><c>{"type":"error","error":{"type","message"}}</c>.</summary>
    Anthropic,
}
