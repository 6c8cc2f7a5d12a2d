var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("LlamaSwap.Supervisor");
var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
