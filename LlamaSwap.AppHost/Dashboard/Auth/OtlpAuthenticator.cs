using System.Security.Cryptography;
using System.Text;
using LlamaSwap.AppHost.Dashboard.Otlp;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.AppHost.Dashboard.Auth;

/// <summary>Aspire's OTLP ApiKey mode: every export carries <c>x-otlp-api-key</c>.</summary>
internal sealed class OtlpAuthenticator(string? apiKey)
{
    public bool IsAuthorized(HttpRequest request) =>
        apiKey is null || FixedTimeEquals(request.Headers[OtlpHttpConstants.ApiKeyHeader].ToString(), apiKey);

    internal static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
