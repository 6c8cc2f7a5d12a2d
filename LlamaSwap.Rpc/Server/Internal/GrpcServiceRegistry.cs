namespace LlamaSwap.Rpc.Server.Internal;

/// <summary>
/// The services mapped so far, so the catch-all can tell "unknown method of a known
/// service" from "unknown service", and is mapped once.
/// </summary>
internal sealed class GrpcServiceRegistry
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private bool _unimplementedMapped;

    public void AddService(string serviceName)
    {
        lock (_gate)
        {
            _services.Add(serviceName);
        }
    }

    public bool IsKnownService(string serviceName)
    {
        lock (_gate)
        {
            return _services.Contains(serviceName);
        }
    }

    /// <summary>True exactly once: for the caller that should map the catch-all.</summary>
    public bool TryClaimUnimplementedMapping()
    {
        lock (_gate)
        {
            if (_unimplementedMapped)
            {
                return false;
            }

            _unimplementedMapped = true;
            return true;
        }
    }
}
