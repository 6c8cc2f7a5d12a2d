using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Benchmarks.Harness;
using LlamaSwap.Benchmarks.Reporting;
using LlamaSwap.Benchmarks.Servers;
using LlamaSwap.Rpc.Client;

namespace LlamaSwap.Benchmarks.Scenarios.Grpc;

/// <summary>
/// The gRPC link over loopback with our client and server: unary round trip, server-stream
/// message rate, and the lease shape (first message of a server stream, then cancel) that every
/// proxied request pays for its Acquire; the same unary call from python3-grpcio for comparison.
/// </summary>
internal sealed class GrpcScenario(BenchmarkProfile profile, RuntimeProbe probe, TextWriter log)
{
    public async Task<GrpcResults> RunAsync(string? pythonProblem, CancellationToken cancellationToken)
    {
        await using var server = ChildProcess.Start("gRPC benchmark server", Dotnet.HostPath,
            [typeof(GrpcScenario).Assembly.Location, GrpcBenchServer.Command], probe.EnvironmentFor());
        var (_, line) = await server.WaitForLineAsync(l => l.StartsWith("listening on ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);
        var address = new Uri(line["listening on ".Length..].Trim());
        using var channel = GrpcChannel.ForAddress(address);
        var idle = ProcFs.ResidentBytes(server.Pid) ?? 0;
        var resources = new List<ProcessResources>();

        // Unary round trip at concurrency 1.
        var request = new BytesValue { Value = ByteString.CopyFrom(new byte[32]) };
        LoadOperation unary = async ct =>
        {
            var reply = await channel.UnaryAsync(GrpcBenchServer.Echo, request, new CallOptions(CancellationToken: ct));
            return reply.Value.Length == 32;
        };
        log.WriteLine("grpc: unary round trip");
        await ClosedLoopLoad.RunForAsync(1, profile.Warmup, unary, cancellationToken);
        var unaryAccount = new ResourceAccount("gRPC server", server.Pid, probe) { IdleRssBytes = idle };
        var window = unaryAccount.Begin();
        var unaryRun = await ClosedLoopLoad.RunCountAsync(1, profile.GrpcUnaryCalls, unary, cancellationToken);
        window.End(unaryRun.Samples.Count);
        resources.Add(ProcessResources.From("our client", "unary", unaryAccount));

        // Server stream: messages per second, each message written and flushed on its own.
        log.WriteLine("grpc: server-stream message rate");
        await CountStreamAsync(channel, (uint)Math.Max(100, profile.GrpcStreamMessages / 10), cancellationToken);
        var streamAccount = new ResourceAccount("gRPC server", server.Pid, probe) { IdleRssBytes = idle };
        window = streamAccount.Begin();
        var started = Stopwatch.GetTimestamp();
        var received = await CountStreamAsync(channel, (uint)profile.GrpcStreamMessages, cancellationToken);
        var streamElapsed = Stopwatch.GetElapsedTime(started);
        window.End(received);
        resources.Add(ProcessResources.From("our client", "server stream (per message)", streamAccount));

        // The lease shape: time until the first message of a server stream; the call is then cancelled.
        log.WriteLine("grpc: lease floor");
        LoadOperation lease = async ct =>
        {
            using var call = channel.ServerStreaming(GrpcBenchServer.Lease, request, new CallOptions(CancellationToken: ct));
            return await call.MoveNextAsync(ct);
        };
        await ClosedLoopLoad.RunForAsync(1, profile.Warmup, lease, cancellationToken);
        var leaseAccount = new ResourceAccount("gRPC server", server.Pid, probe) { IdleRssBytes = idle };
        window = leaseAccount.Begin();
        var leaseRun = await ClosedLoopLoad.RunCountAsync(1, profile.LeaseCalls, lease, cancellationToken);
        window.End(leaseRun.Samples.Count);
        resources.Add(ProcessResources.From("our client", "lease (open, first message, cancel)", leaseAccount));

        // The same unary call from python3-grpcio.
        LatencySummary? python = null;
        var pythonStatus = pythonProblem ?? "measured";
        if (pythonProblem is null)
        {
            log.WriteLine("grpc: python3-grpcio unary round trip");
            var samples = await PythonGrpcClient.TimeUnaryAsync($"{address.Host}:{address.Port}", $"/{GrpcBenchServer.ServiceName}/{GrpcBenchServer.Echo.Name}",
                request.ToByteArray(), Math.Max(50, profile.PythonCalls / 10), profile.PythonCalls, cancellationToken);
            python = LatencySummary.FromTicks(samples);
        }

        return new GrpcResults(
            LatencySummary.FromTicks(unaryRun.Samples), python, pythonStatus,
            Math.Round(received / streamElapsed.TotalSeconds), received,
            LatencySummary.FromTicks(leaseRun.Samples), null, "not measured", resources);
    }

    private static async Task<int> CountStreamAsync(GrpcChannel channel, uint messages, CancellationToken cancellationToken)
    {
        using var call = channel.ServerStreaming(GrpcBenchServer.Stream, new UInt32Value { Value = messages }, new CallOptions(CancellationToken: cancellationToken));
        var count = 0;
        while (await call.MoveNextAsync(cancellationToken))
        {
            count++;
        }

        return count == messages ? count : throw new InvalidOperationException($"the stream delivered {count} of {messages} messages");
    }
}
