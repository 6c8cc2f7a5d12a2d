using System.Net;
using System.Net.Sockets;
using LlamaSwap.AppHost.Hosting.ApplicationModel;

namespace LlamaSwap.AppHost.Hosting.Orchestration;

/// <summary>Gives endpoints without a fixed port a free one, chosen by the OS.</summary>
internal static class PortAllocator
{
    public static void AllocateMissing(IEnumerable<EndpointAnnotation> endpoints)
    {
        foreach (var endpoint in endpoints.Where(e => e.Port is null or 0))
            endpoint.Port = FreePort();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
