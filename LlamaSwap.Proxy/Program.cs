using LlamaSwap.Proxy.Hosting;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddServiceDefaults("LlamaSwap.Proxy");
    builder.AddProxy();

    var app = builder.Build();
    app.MapDefaultEndpoints(ProxyHealthResponse.Options);
    app.MapProxy();
    app.Run();
    return 0;
}
catch (ProxyStartupException e)
{
    Console.Error.WriteLine($"LlamaSwap.Proxy: {e.Message}");
    return 1;
}
