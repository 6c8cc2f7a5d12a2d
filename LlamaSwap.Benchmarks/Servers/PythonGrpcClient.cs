using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace LlamaSwap.Benchmarks.Servers;

/// <summary>
/// Debian's python3-grpcio (the C-core gRPC implementation) timing unary calls to our server
/// through grpc's generic API with raw bytes: the same round trip as our client makes, measured
/// by another implementation for comparison.
/// </summary>
internal static class PythonGrpcClient
{
    public const string Interpreter = "/usr/bin/python3";

    private const string Script = """
        import json, sys, time
        import grpc

        target, method, warmup, calls = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        request = bytes.fromhex(sys.argv[5])
        with grpc.insecure_channel(target, options=[("grpc.enable_http_proxy", 0)]) as channel:
            grpc.channel_ready_future(channel).result(timeout=10)
            call = channel.unary_unary(method, request_serializer=None, response_deserializer=None)
            for _ in range(warmup):
                call(request, timeout=10)
            clock = time.perf_counter_ns
            samples = []
            for _ in range(calls):
                start = clock()
                call(request, timeout=10)
                samples.append(clock() - start)
        print(json.dumps({"grpc": grpc.__version__, "samples_ns": samples}), flush=True)
        """;

    /// <summary>The grpcio version, or null with the reason when python3-grpcio cannot be imported.</summary>
    public static async Task<(string? Version, string? Problem)> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Interpreter))
        {
            return (null, $"{Interpreter} not found");
        }

        var (exit, stdout, stderr) = await RunAsync(["-I", "-c", "import grpc; print(grpc.__version__)"], cancellationToken);
        return exit == 0 ? (stdout.Trim(), null) : (null, "python3-grpcio not installed: " + stderr.Trim().Split('\n')[^1]);
    }

    /// <summary>Round-trip times of <paramref name="calls"/> sequential unary calls, in <see cref="Stopwatch"/> ticks.</summary>
    public static async Task<List<long>> TimeUnaryAsync(string target, string method, byte[] request, int warmup, int calls, CancellationToken cancellationToken)
    {
        var script = Path.Combine(Path.GetTempPath(), $"llamaswap-bench-grpc-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, Script, cancellationToken);
        try
        {
            var (exit, stdout, stderr) = await RunAsync(["-I", "-u", script, target, method, warmup.ToString(CultureInfo.InvariantCulture), calls.ToString(CultureInfo.InvariantCulture), Convert.ToHexString(request)], cancellationToken);
            if (exit != 0)
            {
                throw new InvalidOperationException($"python3 grpc client failed (exit {exit}): {stderr}");
            }

            using var json = JsonDocument.Parse(stdout);
            return [.. json.RootElement.GetProperty("samples_ns").EnumerateArray().Select(s => (long)(s.GetInt64() * (double)Stopwatch.Frequency / 1e9))];
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in new[] { "http_proxy", "https_proxy", "grpc_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Interpreter}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(3), cancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 did not finish within 3 minutes: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
