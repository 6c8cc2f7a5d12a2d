using LlamaSwap.Proxy.Hosting;

namespace LlamaSwap.Proxy.Resolution;

/// <summary>The <see cref="RoutingTable"/> of the configuration in force, rebuilt when a reload replaces it.</summary>
internal sealed class RoutingTableCache(IProxyConfigProvider configProvider)
{
    private volatile RoutingTable? _table;

    public RoutingTable Current
    {
        get
        {
            var config = configProvider.Current;
            var table = _table;
            if (table is null || !ReferenceEquals(table.Config, config))
                _table = table = new RoutingTable(config);
            return table;
        }
    }
}
