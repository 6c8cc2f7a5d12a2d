var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("LlamaSwap.Proxy");
var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
