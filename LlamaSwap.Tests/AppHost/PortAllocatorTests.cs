using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.AppHost.Hosting.Orchestration;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

public sealed class PortAllocatorTests
{
    [Fact]
    public void AnAllocatedPortStaysHeldUntilItsResourceIsAboutToStart()
    {
        var proxy = new EndpointAnnotation("http", "127.0.0.1", null, http2Only: false);
        var fixedPort = new EndpointAnnotation("fixed", "127.0.0.1", 1, http2Only: false);
        using var ports = new PortAllocator();

        ports.AllocateMissing([proxy, fixedPort]);

        Assert.Equal(1, fixedPort.Port);
        var port = proxy.Port!.Value;
        Assert.False(FreePort.IsFree(port), "nobody else may take the port meanwhile");
        ports.Release([proxy]);
        Assert.True(FreePort.IsFree(port), "the resource can bind it once it starts");
    }
}
