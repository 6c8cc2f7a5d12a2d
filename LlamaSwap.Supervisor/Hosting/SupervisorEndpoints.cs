using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace LlamaSwap.Supervisor.Hosting;

/// <summary>
/// The two Kestrel endpoints, from configuration (<c>Kestrel:Endpoints:http</c> and <c>Kestrel:Endpoints:grpc</c>,
/// as the AppHost sets them) or, when a URL is missing, <see cref="SupervisorSettings.DefaultHttpUrl"/> and
/// <see cref="SupervisorSettings.DefaultGrpcUrl"/>. Unless configured otherwise the HTTP endpoint speaks HTTP/1.1
/// only and the gRPC endpoint HTTP/2 only (cleartext h2c), so gRPC calls work on the gRPC endpoint alone (the
/// transport answers an HTTP/1.1 call with 426). Once the server has started, the bound addresses are known
/// here, port 0 resolved.
/// </summary>
internal sealed class SupervisorEndpoints
{
    private const string KestrelSection = "Kestrel";
    private const string ProtocolsSetting = "Protocols";
    private const string UrlSetting = "Url";

    private ListenOptions? _http;
    private ListenOptions? _grpc;

    /// <summary>The bound HTTP/1.1 address (null before the server started).</summary>
    public Uri? HttpAddress => AddressOf(_http);

    /// <summary>The bound gRPC (h2c) address (null before the server started).</summary>
    public Uri? GrpcAddress => AddressOf(_grpc);

    public static SupervisorEndpoints Configure(ConfigurationManager configuration, IWebHostBuilder webHost)
    {
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (endpoint, url) in new[] { (SupervisorSettings.HttpEndpoint, SupervisorSettings.DefaultHttpUrl), (SupervisorSettings.GrpcEndpoint, SupervisorSettings.DefaultGrpcUrl) })
        {
            var key = SupervisorSettings.EndpointKey(endpoint, UrlSetting);
            if (string.IsNullOrWhiteSpace(configuration[key]))
                defaults[key] = url;
        }

        if (defaults.Count > 0)
            configuration.AddInMemoryCollection(defaults);

        var endpoints = new SupervisorEndpoints();
        webHost.ConfigureKestrel((context, kestrel) => kestrel
            .Configure(context.Configuration.GetSection(KestrelSection), reloadOnChange: false)
            .Endpoint(SupervisorSettings.HttpEndpoint, endpoint =>
            {
                if (endpoint.ConfigSection[ProtocolsSetting] is null)
                    endpoint.ListenOptions.Protocols = HttpProtocols.Http1;
                endpoints._http = endpoint.ListenOptions;
            })
            .Endpoint(SupervisorSettings.GrpcEndpoint, endpoint =>
            {
                if (endpoint.ConfigSection[ProtocolsSetting] is null)
                    endpoint.ListenOptions.Protocols = HttpProtocols.Http2;
                endpoints._grpc = endpoint.ListenOptions;
            }));
        return endpoints;
    }

    private static Uri? AddressOf(ListenOptions? listen) =>
        listen?.IPEndPoint is { Port: > 0 } endpoint ? new Uri($"http://{endpoint}") : null;
}
