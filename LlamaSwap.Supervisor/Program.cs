using LlamaSwap.Supervisor.Hosting;
using LlamaSwap.Supervisor.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(SupervisorTelemetry.Name);
builder.AddSupervisor();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSupervisor();
return await app.RunSupervisorAsync();
