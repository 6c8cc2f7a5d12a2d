using System.Text.Json;

namespace LlamaSwap.Simulator.Http;

/// <summary>Error bodies in the shape each protocol's SDKs parse.</summary>
internal static class ErrorResponses
{
    public static Task WriteAsync(HttpContext context, ErrorFormat format, int statusCode, string message, string? param = null) =>
        JsonResponse.WriteAsync(context, statusCode, (format, statusCode, message, param), static (writer, e) =>
        {
            writer.WriteStartObject();
            if (e.format == ErrorFormat.Anthropic)
            {
                writer.WriteString("type"u8, "error"u8);
                writer.WriteStartObject("error"u8);
                writer.WriteString("type"u8, AnthropicType(e.statusCode));
                writer.WriteString("message"u8, e.message);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteStartObject("error"u8);
                writer.WriteString("message"u8, e.message);
                writer.WriteString("type"u8, OpenAiType(e.statusCode));
                if (e.param is null)
                    writer.WriteNull("param"u8);
                else
                    writer.WriteString("param"u8, e.param);
                writer.WriteNull("code"u8);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        });

    private static string OpenAiType(int statusCode) => statusCode switch
    {
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status503ServiceUnavailable => "unavailable_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => "server_error",
    };

    private static string AnthropicType(int statusCode) => statusCode switch
    {
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status503ServiceUnavailable => "overloaded_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => "api_error",
    };
}
