using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Wire;
using LlamaSwap.Tests.Rpc.Infrastructure;

namespace LlamaSwap.Tests.Rpc.Fuzz;

/// <summary>
/// Random and truncated frames against a real server over HTTP/2, bounded in time: every
/// answer must be a clean gRPC status, nothing may be logged as an error, no call may
/// outlive its stream, and the server must still serve a normal call afterwards.
/// </summary>
public sealed class GrpcServerFuzzTests
{
    private const int MaxMessageSize = 256;
    private const int Workers = 4;
    private const int MaxIterations = 5000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // Statuses the transport itself may produce for these inputs. UNKNOWN (2) would mean an
    // exception escaped a handler; anything else would be a status nobody should generate.
    private static readonly HashSet<string> Allowed =
    [
        "0", // valid request
        "4", // DEADLINE_EXCEEDED from a tiny grpc-timeout
        "8", // RESOURCE_EXHAUSTED: over the receive limit
        "5", // NOT_FOUND: health check of an unknown service
        "12", // UNIMPLEMENTED: unknown path, or a compressed message with unsupported grpc-encoding
        "13", // INTERNAL: framing and parse errors
    ];

    [Fact]
    public async Task RandomAndTruncatedFramesGetOnlyCleanStatuses()
    {
        var seed = Random.Shared.Next();
        await using var server = await GrpcTestServer.StartAsync(options => options.MaxReceiveMessageSize = MaxMessageSize);
        using var client = RawGrpc.CreateClient(server.Address);
        var stopwatch = Stopwatch.StartNew();
        var iterations = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        async Task WorkerAsync(int worker)
        {
            var fuzzer = new FrameFuzzer(new Random(seed + worker), MaxMessageSize);
            while (stopwatch.Elapsed < Budget && Interlocked.Increment(ref iterations) <= MaxIterations)
            {
                var fuzzCase = fuzzer.Next();
                var request = RawGrpc.Request(fuzzCase.Path, []);
                request.Content = new ChunkedContent(fuzzCase.Chunks);
                request.Content.Headers.TryAddWithoutValidation(GrpcProtocolConstants.ContentTypeHeader, GrpcProtocolConstants.ContentType);
                if (fuzzCase.Timeout is { } timeout)
                {
                    request.Headers.TryAddWithoutValidation(GrpcProtocolConstants.TimeoutHeader, timeout);
                }

                if (fuzzCase.Encoding is { } encoding)
                {
                    request.Headers.TryAddWithoutValidation(GrpcProtocolConstants.EncodingHeader, encoding);
                }

                var response = await RawGrpc.SendAsync(client, request, TestContext.Current.CancellationToken)
                    .WaitAsync(RequestTimeout, TestContext.Current.CancellationToken);
                var context = $"seed {seed} worker {worker}: {fuzzCase}";

                Assert.True(response.HttpStatus == 200, $"HTTP {response.HttpStatus} for {context}");
                Assert.True(response.Status is not null, $"no grpc-status for {context}");
                Assert.True(Allowed.Contains(response.Status), $"grpc-status {response.Status} ({response.Message}) for {context}");
                statuses.AddOrUpdate($"{response.Status} {fuzzCase.Kind}", 1, (_, n) => n + 1);
                Assert.True(response.LeftoverBytes == 0, $"broken response framing for {context}");
                if (response.Status != "0")
                {
                    Assert.True(response.Messages.Count == 0 || !response.IsTrailersOnly, $"messages in a Trailers-Only response for {context}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(WorkerAsync));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"seed {seed}: {Math.Min(iterations, MaxIterations)} requests in {stopwatch.Elapsed.TotalSeconds:F1} s; "
            + string.Join(", ", statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"[{p.Key}] {p.Value}")));

        Assert.True(iterations > Workers, $"only {iterations} fuzz iterations ran");
        using var channel = GrpcChannel.ForAddress(server.Address);
        var echo = await channel.UnaryAsync(EchoService.EchoMethod, new StringValue { Value = "still serving" })
            .WaitAsync(RequestTimeout, TestContext.Current.CancellationToken);
        Assert.Equal("still serving", echo.Value);
        await server.Calls.WaitForIdleAsync().WaitAsync(RequestTimeout, TestContext.Current.CancellationToken);
        Assert.Equal(0, server.Calls.ActiveCalls);
        Assert.Empty(server.Logs.Problems);
    }

    [Fact]
    public async Task RequestsAbandonedMidStreamLeakNoCall()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        await using var server = await GrpcTestServer.StartAsync(options => options.MaxReceiveMessageSize = MaxMessageSize);
        using var client = RawGrpc.CreateClient(server.Address);
        var fuzzer = new FrameFuzzer(random, MaxMessageSize);

        for (var i = 0; i < 40; i++)
        {
            // Cancel at a random point of the exchange: before headers, mid-body, mid-response.
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            var request = RawGrpc.Request(i % 2 == 0 ? EchoService.StreamThenHangMethod.Path : EchoService.HangMethod.Path, []);
            request.Content = new ChunkedContent(fuzzer.Next().Chunks);
            request.Content.Headers.TryAddWithoutValidation(GrpcProtocolConstants.ContentTypeHeader, GrpcProtocolConstants.ContentType);
            cts.CancelAfter(TimeSpan.FromMilliseconds(random.Next(0, 30)));
            try
            {
                await RawGrpc.SendAsync(client, request, cts.Token).WaitAsync(RequestTimeout, TestContext.Current.CancellationToken);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
            }
            catch (HttpRequestException) when (cts.IsCancellationRequested)
            {
            }
        }

        await server.Calls.WaitForIdleAsync().WaitAsync(RequestTimeout, TestContext.Current.CancellationToken);
        Assert.True(server.Logs.Problems.Count() == 0, $"seed {seed}: {string.Join('\n', server.Logs.Problems.Select(p => p.Exception?.ToString() ?? p.Message))}");
    }
}
