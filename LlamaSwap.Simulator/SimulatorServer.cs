using LlamaSwap.Simulator.Http;
using LlamaSwap.Simulator.Lifecycle;
using LlamaSwap.Simulator.Options;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace LlamaSwap.Simulator;

/// <summary>Builds the Kestrel app for the parsed options, runs it until shutdown and returns the exit code.</summary>
internal static class SimulatorServer
{
    public const int ListenFailedExitCode = 1;
    public const int ForkFailedExitCode = 1;

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(SimulatorOptions options)
    {
        var log = new SimulatorLog(options.Quiet);
        if (options.Failure is FailureMode.ExitAtStart exit)
        {
            log.Important($"simulator {options.Model} pid {Environment.ProcessId}: simulated startup failure (--fail exit:{exit.ExitCode}), exiting");
            return exit.ExitCode;
        }

        var time = TimeProvider.System;
        var identity = new SimulatorIdentity(options.Model);
        var gate = new LoadGate(time, options.LoadTime, options.Failure);
        SimulatorOptionsParser.TryParseHost(options.Host, out var address);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(time);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSingleton<IHostLifetime>(services =>
            new SignalLifetime(services.GetRequiredService<IHostApplicationLifetime>(), options.Sigterm, time, log));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // uploads are streamed, never buffered
        });

        if (options.Failure is FailureMode.CrashAfterTokens)
        {
            // A flush then completes only once the socket has taken the bytes, so the N tokens before a
            // simulated crash really reach the client before the process dies.
            builder.WebHost.UseSockets(sockets => sockets.MaxWriteBufferSize = 1);
        }

        await using var app = builder.Build();
        var stopping = app.Lifetime.ApplicationStopping;
        var runtime = new SimulatorRuntime(options, identity, log, gate, time, stopping);
        if (options.Failure is FailureMode.Hang)
            app.UseHang(stopping);
        app.UseSimulatorHeaders(runtime);
        app.MapSimulatorEndpoints(runtime);

        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"LlamaSwap.Simulator: cannot listen on {options.Host}:{options.Port} (--host/--port): {e.Message}");
            return ListenFailedExitCode;
        }

        var listening = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        identity.BindPort(new Uri(listening).Port);
        gate.Begin();
        log.Important($"simulator {options.Model} pid {identity.ProcessId} listening on {listening}");
        if (options.Failure is FailureMode.Hang)
            log.Important("hang: connections are accepted but no request will ever be answered (--fail hang)");
        if (options.ForkChild && !ForkChild.TryStart(log))
        {
            await app.StopAsync();
            return ForkFailedExitCode;
        }

        var progress = new LoadProgressReporter(gate, time, log).RunAsync(stopping);
        await app.WaitForShutdownAsync();
        await progress;
        log.Important($"simulator {options.Model} pid {identity.ProcessId} stopped");
        return 0;
    }
}
