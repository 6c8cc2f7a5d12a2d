using System.Net;
using System.Net.Sockets;
using LlamaSwap.AppHost.Hosting.ApplicationModel;

namespace LlamaSwap.AppHost.Hosting.Orchestration;

/// <summary>
/// Gives endpoints without a fixed port a free one, chosen by the OS, and holds it (a bound listener) until the
/// resource that will listen there is about to start. Resources start one after another, a later one seconds after
/// the first; a port let go at once could be taken by another process meanwhile, and the URL printed for it would
/// reach someone else's server.
/// </summary>
internal sealed class PortAllocator : IDisposable
{
    // Starting allocates and releases; a stop (Ctrl+C during start) releases everything: they may overlap.
    private readonly Lock _gate = new();
    private readonly Dictionary<EndpointAnnotation, TcpListener> _held = [];

    public void AllocateMissing(IEnumerable<EndpointAnnotation> endpoints)
    {
        lock (_gate)
        {
            foreach (var endpoint in endpoints.Where(e => e.Port is null or 0))
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                endpoint.Port = ((IPEndPoint)listener.LocalEndpoint).Port;
                _held[endpoint] = listener;
            }
        }
    }

    /// <summary>Lets go of the ports of these endpoints, right before their process starts and binds them.</summary>
    public void Release(IEnumerable<EndpointAnnotation> endpoints)
    {
        lock (_gate)
        {
            foreach (var endpoint in endpoints)
            {
                if (_held.Remove(endpoint, out var listener))
                    listener.Dispose();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var listener in _held.Values)
                listener.Dispose();
            _held.Clear();
        }
    }
}
