using System.Runtime.InteropServices;
using LlamaSwap.AppHost.Hosting;
using LlamaSwap.Configuration;

namespace LlamaSwap.AppHost.Cli;

/// <summary>The default command: validate the configuration, start the stack, run until Ctrl+C or SIGTERM.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(AppHostCommandLine options, TextWriter output, TextWriter error)
    {
        if (!ListenAddress.TryParse(options.Listen, out var host, out var port))
        {
            error.WriteLine($"error: --listen '{options.Listen}' is not an address like localhost:8080");
            return 2;
        }
        var source = new ConfigSource(options.ConfigFile, options.ConfigDirectory);
        var validation = ConfigLoader.Load(source);
        if (!validation.Succeeded)
            return ValidateCommand.Run(source, output, error);
        if (!ListenAddress.IsLoopback(host))
            output.WriteLine($"note: the Proxy listens on {options.Listen}, beyond this machine; use --listen localhost:{port} to keep it local");

        using var shutdown = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        await using var app = new DistributedApplicationBuilder().AddLlamaSwap(options, host, port).Build();
        try
        {
            await app.StartAsync(shutdown.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            error.WriteLine($"error: the stack did not start: {ex.Message}");
            foreach (var line in app.Logs.GetHistory(LlamaSwapResources.Supervisor).TakeLast(20))
                error.WriteLine($"[supervisor] {line.Text}");
            foreach (var line in app.Logs.GetHistory(LlamaSwapResources.Proxy).TakeLast(20))
                error.WriteLine($"[proxy] {line.Text}");
            await app.StopAsync();
            return 1;
        }

        output.WriteLine($"LlamaSwap is running: {validation.Config.Models.Count} model(s) from {ValidateCommand.DescribeSource(source)}");
        output.WriteLine($"  Proxy (OpenAI/Anthropic API): {app.GetEndpoint(LlamaSwapResources.Proxy, LlamaSwapResources.HttpEndpoint)}");
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
}
