using LlamaSwap.Proxy.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("LlamaSwap.Proxy");
builder.AddProxy();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapProxy();
app.Run();
