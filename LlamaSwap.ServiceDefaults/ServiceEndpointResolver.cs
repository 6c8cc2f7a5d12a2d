using Microsoft.Extensions.Configuration;

namespace LlamaSwap.ServiceDefaults;

/// <summary>
/// Resolves another service's URL from Aspire's service-discovery variables
/// (<c>services__supervisor__grpc__0=http://localhost:5101</c>, read as <c>services:supervisor:grpc:0</c>).
/// The named endpoint is tried first (Aspire 9 style), then the scheme-keyed <c>http</c> one (Aspire 13 style).
/// </summary>
public static class ServiceEndpointResolver
{
    public static Uri? Resolve(IConfiguration configuration, string serviceName, string endpointName)
    {
        foreach (var key in new[] { endpointName, "http" })
        {
            var value = configuration[$"{KnownConfigNames.ServicesSection}:{serviceName}:{key}:0"];
            if (!string.IsNullOrWhiteSpace(value) && Uri.TryCreate(value, UriKind.Absolute, out var uri))
                return uri;
        }
        return null;
    }

    public static Uri ResolveRequired(IConfiguration configuration, string serviceName, string endpointName) =>
        Resolve(configuration, serviceName, endpointName)
        ?? throw new InvalidOperationException(
            $"no address for service '{serviceName}': set services__{serviceName}__{endpointName}__0 (the AppHost does this)");
}
