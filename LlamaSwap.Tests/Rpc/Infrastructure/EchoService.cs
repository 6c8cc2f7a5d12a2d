using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Server;

namespace LlamaSwap.Tests.Rpc.Infrastructure;

/// <summary>
/// A test service with one method per behaviour under test. Calls that wait are keyed
/// by a tag (the request value) so a test can see when its handler started and when its
/// cancellation token fired.
/// </summary>
internal sealed class EchoService : IGrpcService
{
    public const string ServiceName = "llamaswap.test.v1.Echo";

    public static readonly GrpcMethod<StringValue, StringValue> EchoMethod = new(GrpcMethodType.Unary, ServiceName, "Echo");
    public static readonly GrpcMethod<StringValue, StringValue> HeaderMethod = new(GrpcMethodType.Unary, ServiceName, "Header");
    public static readonly GrpcMethod<StringValue, StringValue> FailMethod = new(GrpcMethodType.Unary, ServiceName, "Fail");
    public static readonly GrpcMethod<StringValue, StringValue> ThrowMethod = new(GrpcMethodType.Unary, ServiceName, "Throw");
    public static readonly GrpcMethod<StringValue, StringValue> HangMethod = new(GrpcMethodType.Unary, ServiceName, "Hang");
    public static readonly GrpcMethod<UInt32Value, UInt32Value> CountMethod = new(GrpcMethodType.ServerStreaming, ServiceName, "Count");
    public static readonly GrpcMethod<StringValue, StringValue> StreamThenHangMethod = new(GrpcMethodType.ServerStreaming, ServiceName, "StreamThenHang");

    /// <summary>Text the Throw handler puts in its exception; must never reach a client.</summary>
    public const string SecretExceptionText = "secret internal detail";

    private readonly ConcurrentDictionary<string, TaskCompletionSource<ServerCallContext>> _started = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ServerCallContext>> _cancelled = new();

    /// <summary>Completes when a waiting call with this tag is running.</summary>
    public Task<ServerCallContext> WhenStarted(string tag) => Entry(_started, tag).Task;

    /// <summary>Completes when the cancellation token of a waiting call with this tag fired.</summary>
    public Task<ServerCallContext> WhenCancelled(string tag) => Entry(_cancelled, tag).Task;

    public void Bind(GrpcServiceBinder binder) => binder
        .Unary(EchoMethod, (request, context) =>
        {
            context.ResponseTrailers.Add("echo-trailer", "done");
            return Task.FromResult(request);
        })
        .Unary(HeaderMethod, (request, context) =>
            Task.FromResult(new StringValue
            {
                // Every entry with this key, so a duplicated header shows.
                Value = string.Join(',', context.RequestHeaders
                    .Where(e => e.Key == request.Value)
                    .Select(e => e.ValueBytes is { } bytes ? Convert.ToHexString(bytes) : e.Value)),
            }))
        .Unary(FailMethod, (request, context) =>
        {
            // "code|detail"
            var parts = request.Value.Split('|', 2);
            throw new RpcException((StatusCode)int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1], new Metadata().Add("failure-trailer", "present"));
        })
        .Unary<StringValue, StringValue>(ThrowMethod, (request, context) => throw new InvalidOperationException(SecretExceptionText))
        .Unary(HangMethod, async (request, context) =>
        {
            await WaitForCancellationAsync(request.Value, context);
            return request;
        })
        .ServerStreaming(CountMethod, async (request, stream, context) =>
        {
            // Capped: the fuzz test sends random payloads that may parse as huge counts.
            for (uint i = 0; i < Math.Min(request.Value, 100u); i++)
            {
                await stream.WriteAsync(new UInt32Value { Value = i }, context.CancellationToken);
            }
        })
        .ServerStreaming(StreamThenHangMethod, async (request, stream, context) =>
        {
            await stream.WriteAsync(new StringValue { Value = "first" }, context.CancellationToken);
            await WaitForCancellationAsync(request.Value, context);
        });

    private static TaskCompletionSource<ServerCallContext> Entry(ConcurrentDictionary<string, TaskCompletionSource<ServerCallContext>> map, string tag) =>
        map.GetOrAdd(tag, _ => new TaskCompletionSource<ServerCallContext>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task WaitForCancellationAsync(string tag, ServerCallContext context)
    {
        Entry(_started, tag).TrySetResult(context);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
        }
        finally
        {
            Entry(_cancelled, tag).TrySetResult(context);
        }
    }
}
