using System.Runtime.InteropServices;
using LlamaSwap.AppHost.Dashboard;
using LlamaSwap.AppHost.Hosting;
using LlamaSwap.Configuration;

namespace LlamaSwap.AppHost.Cli;

/// <summary>
/// The default command: validate the configuration, start the dashboard and the stack, run until
/// Ctrl+C or SIGTERM. The lines <c>Dashboard: URL</c> and <c>Proxy: URL</c> are printed alone so
/// scripts (and the tests) can read the actual addresses when a port was 0.
/// </summary>
internal static class RunCommand
{
    public const string DashboardLinePrefix = "Dashboard: ";
    public const string ProxyLinePrefix = "Proxy: ";

    public static async Task<int> RunAsync(AppHostCommandLine options, TextWriter output, TextWriter error)
    {
        if (!ListenAddress.TryParse(options.Listen, out var host, out var port))
        {
            error.WriteLine($"error: --listen '{options.Listen}' is not an address like localhost:8080");
            return 2;
        }
        if (!ListenAddress.TryParse(options.Dashboard, out var dashboardHost, out var dashboardPort))
        {
            error.WriteLine($"error: --dashboard '{options.Dashboard}' is not an address like localhost:18888");
            return 2;
        }
        DashboardOptions dashboardOptions;
        try
        {
            dashboardOptions = DashboardOptions.Create(dashboardHost, dashboardPort, Environment.GetEnvironmentVariable);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }

        var source = new ConfigSource(options.ConfigFile, options.ConfigDirectory);
        var validation = ConfigLoader.Load(source);
        if (!validation.Succeeded)
            return ValidateCommand.Run(source, output, error);
        if (!ListenAddress.IsLoopback(host))
            output.WriteLine($"note: the Proxy listens on {options.Listen}, beyond this machine; use --listen localhost:{port} to keep it local");
        if (!ListenAddress.IsLoopback(dashboardHost))
            output.WriteLine($"note: the dashboard listens on {options.Dashboard}, beyond this machine; use --dashboard localhost:{dashboardPort} to keep it local");

        using var shutdown = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        var builder = new DistributedApplicationBuilder().AddDashboard(dashboardOptions);
        await using var app = builder.AddLlamaSwap(options, validation.Config, host, port).Build();
        try
        {
            await app.StartAsync(shutdown.Token, onDashboardStarted: () => PrintDashboard(app, output));
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or IOException)
        {
            error.WriteLine($"error: the stack did not start: {ex.Message}");
            foreach (var line in app.Logs.GetHistory(LlamaSwapResources.Supervisor).TakeLast(20))
                error.WriteLine($"[supervisor] {line.Text}");
            foreach (var line in app.Logs.GetHistory(LlamaSwapResources.Proxy).TakeLast(20))
                error.WriteLine($"[proxy] {line.Text}");
            await app.StopAsync();
            return 1;
        }

        var proxyUrl = app.GetEndpoint(LlamaSwapResources.Proxy, LlamaSwapResources.HttpEndpoint).ToString().TrimEnd('/');
        if (app.Dashboard is { } dashboard)
            dashboard.ProxyUrl = proxyUrl;
        output.WriteLine(ProxyLinePrefix + proxyUrl);
        output.WriteLine($"  OpenAI/Anthropic-compatible API for {validation.Config.Models.Count} model(s) from {ValidateCommand.DescribeSource(source)}");
        output.WriteLine("Press Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (OperationCanceledException)
        {
            output.WriteLine("Stopping: Proxy first (draining requests), then Supervisor (stopping every upstream)...");
        }
        await app.StopAsync();
        output.WriteLine("Stopped.");
        return 0;

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            shutdown.Cancel();
        }
    }

    private static void PrintDashboard(DistributedApplication app, TextWriter output)
    {
        if (app.Dashboard is not { } dashboard)
            return;
        output.WriteLine(DashboardLinePrefix + dashboard.LoginUrl);
        output.WriteLine(app.OtlpTarget is { IsUserProvided: true } target
            ? $"  services send telemetry to {target.Endpoint} (OTEL_EXPORTER_OTLP_ENDPOINT); the dashboard shows resources and console logs"
            : $"  the link logs your browser in; services send telemetry (OTLP/HTTP) to {dashboard.OtlpEndpoint.ToString().TrimEnd('/')}");
        output.WriteLine("Starting the Supervisor, then the Proxy...");
    }
}
