namespace LlamaSwap.Proxy.Errors;

/// <summary>
/// The OpenAI-style <c>type</c> and default <c>code</c> for each status, as llama-swap renders them,
/// and the Anthropic <c>error.type</c> for <c>/v1/messages</c> clients.
/// </summary>
internal static class ErrorEnvelope
{
    public const string Source = "llama-swap";

    public static (string Type, string Code) OpenAiKind(int status) => status switch
    {
        400 => ("invalid_request_error", "bad_request"),
        401 => ("authentication_error", "unauthorized"),
        403 => ("authentication_error", "forbidden"),
        404 => ("invalid_request_error", "not_found"),
        409 => ("invalid_request_error", "conflict"),
        429 => ("rate_limit_error", "rate_limit_exceeded"),
        502 => ("server_error", "bad_gateway"),
        503 => ("server_error", "service_unavailable"),
        504 => ("server_error", "gateway_timeout"),
        >= 400 and < 500 => ("invalid_request_error", "invalid_request"),
        _ => ("server_error", "internal_error"),
    };

    public static string AnthropicType(int status) => status switch
    {
        400 or 409 or 413 or 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        _ => "api_error",
    };
}
