using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Rpc.Health.V1;
using LlamaSwap.Tests.Rpc.Infrastructure;
using ServingStatus = LlamaSwap.Rpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace LlamaSwap.Tests.Rpc.Interop;

/// <summary>python3-grpcio (grpc-core), a gRPC implementation nobody here wrote, calls our server.</summary>
public sealed class PythonClientInteropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnaryCall()
    {
        await using var server = await GrpcTestServer.StartAsync();

        var (messages, outcome) = await CallAsync(server, EchoService.EchoMethod.Path, "unary", new StringValue { Value = "héllo" });

        Assert.Equal("OK", outcome.GetProperty("code").GetString());
        Assert.Equal("héllo", StringValue.Parser.ParseFrom(Assert.Single(messages)).Value);
        Assert.Equal("done", outcome.GetProperty("trailers").GetProperty("echo-trailer").GetString());
        Assert.Empty(server.Logs.Problems);
    }

    [Fact]
    public async Task ServerStreamingCall()
    {
        await using var server = await GrpcTestServer.StartAsync();

        var (messages, outcome) = await CallAsync(server, EchoService.CountMethod.Path, "stream", new UInt32Value { Value = 4 });

        Assert.Equal("OK", outcome.GetProperty("code").GetString());
        Assert.Equal([0u, 1u, 2u, 3u], messages.Select(m => UInt32Value.Parser.ParseFrom(m).Value));
    }

    [Fact]
    public async Task DeadlineExceeded()
    {
        await using var server = await GrpcTestServer.StartAsync();

        var (_, outcome) = await CallAsync(server, EchoService.HangMethod.Path, "unary", new StringValue { Value = "py-deadline" }, "--timeout", "0.3");

        Assert.Equal("DEADLINE_EXCEEDED", outcome.GetProperty("code").GetString());
        var context = await server.Echo.WhenCancelled("py-deadline").WaitAsync(Timeout, TestToken);
        Assert.NotNull(context.Deadline);
        await server.Calls.WaitForIdleAsync().WaitAsync(Timeout, TestToken);
    }

    [Fact]
    public async Task ClientCancelFiresTheHandlersToken()
    {
        await using var server = await GrpcTestServer.StartAsync();

        var (messages, outcome) = await CallAsync(server, EchoService.StreamThenHangMethod.Path, "stream", new StringValue { Value = "py-cancel" }, "--cancel-after", "1");

        Assert.Equal("first", StringValue.Parser.ParseFrom(Assert.Single(messages)).Value);
        Assert.Equal("CANCELLED", outcome.GetProperty("code").GetString());
        var context = await server.Echo.WhenCancelled("py-cancel").WaitAsync(Timeout, TestToken);
        Assert.True(context.CancellationToken.IsCancellationRequested);
        await server.Calls.WaitForIdleAsync().WaitAsync(Timeout, TestToken);
        Assert.Empty(server.Logs.Problems);
    }

    [Theory]
    [InlineData("/llamaswap.test.v1.Echo/Missing", "Method is unimplemented.")]
    [InlineData("/no.such.Service/Method", "Service is unimplemented.")]
    public async Task UnknownMethodIsUnimplemented(string path, string details)
    {
        await using var server = await GrpcTestServer.StartAsync();

        var (_, outcome) = await CallAsync(server, path, "unary", new StringValue());

        Assert.Equal("UNIMPLEMENTED", outcome.GetProperty("code").GetString());
        Assert.Equal(details, outcome.GetProperty("details").GetString());
    }

    [Fact]
    public async Task ErrorStatusWithNonAsciiDetailAndTrailers()
    {
        await using var server = await GrpcTestServer.StartAsync();

        var (_, outcome) = await CallAsync(server, EchoService.FailMethod.Path, "unary", new StringValue { Value = "8|modèle 100% plein" });

        Assert.Equal("RESOURCE_EXHAUSTED", outcome.GetProperty("code").GetString());
        Assert.Equal("modèle 100% plein", outcome.GetProperty("details").GetString());
        Assert.Equal("present", outcome.GetProperty("trailers").GetProperty("failure-trailer").GetString());
    }

    [Fact]
    public async Task MetadataReachesTheHandler()
    {
        await using var server = await GrpcTestServer.StartAsync();
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var (messages, _) = await CallAsync(server, EchoService.HeaderMethod.Path, "unary", new StringValue { Value = "traceparent" }, "--metadata", $"traceparent={traceparent}");

        Assert.Equal(traceparent, StringValue.Parser.ParseFrom(Assert.Single(messages)).Value);
    }

    [Fact]
    public async Task HealthCheck()
    {
        await using var server = await GrpcTestServer.StartAsync();
        server.Health.SetStatus("llamaswap.supervisor.v1.Supervisor", ServingStatus.NotServing);

        var (overall, overallOutcome) = await CallAsync(server, HealthService.CheckMethod.Path, "unary", new HealthCheckRequest(), "--timeout", "10");
        var (named, _) = await CallAsync(server, HealthService.CheckMethod.Path, "unary", new HealthCheckRequest { Service = "llamaswap.supervisor.v1.Supervisor" }, "--timeout", "10");
        var (_, unknown) = await CallAsync(server, HealthService.CheckMethod.Path, "unary", new HealthCheckRequest { Service = "nope" }, "--timeout", "10");

        Assert.Equal("OK", overallOutcome.GetProperty("code").GetString());
        Assert.Equal(ServingStatus.Serving, HealthCheckResponse.Parser.ParseFrom(Assert.Single(overall)).Status);
        Assert.Equal(ServingStatus.NotServing, HealthCheckResponse.Parser.ParseFrom(Assert.Single(named)).Status);
        Assert.Equal("NOT_FOUND", unknown.GetProperty("code").GetString());
    }

    [Fact]
    public async Task HealthWatch()
    {
        await using var server = await GrpcTestServer.StartAsync();
        server.Health.SetStatus("svc", ServingStatus.NotServing);

        await using var python = StartClient(server, HealthService.WatchMethod.Path, "stream", new HealthCheckRequest { Service = "svc" }, "--cancel-after", "2");
        Assert.Equal(ServingStatus.NotServing, HealthCheckResponse.Parser.ParseFrom(Message(await python.ReadJsonAsync())).Status);
        server.Health.SetStatus("svc", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, HealthCheckResponse.Parser.ParseFrom(Message(await python.ReadJsonAsync())).Status);
        var outcome = Assert.Single(await python.ReadToEndAsync(Timeout));

        Assert.Equal("CANCELLED", outcome.GetProperty("code").GetString());
        await server.Calls.WaitForIdleAsync().WaitAsync(Timeout, TestToken);
    }

    private static PythonProcess StartClient(GrpcTestServer server, string path, string kind, IMessage request, params string[] extra) =>
        PythonProcess.Start(
            PythonGrpcScripts.Client,
            ["--target", server.Target, "--method", path, "--kind", kind, "--request", Convert.ToHexString(request.ToByteArray()), .. extra]);

    private static async Task<(IReadOnlyList<byte[]> Messages, JsonElement Outcome)> CallAsync(GrpcTestServer server, string path, string kind, IMessage request, params string[] extra)
    {
        await using var python = StartClient(server, path, kind, request, extra);
        var lines = await python.ReadToEndAsync(Timeout);
        var outcome = lines.LastOrDefault(l => l.TryGetProperty("code", out _));
        Assert.True(outcome.ValueKind == JsonValueKind.Object, $"no outcome from python3; stderr:\n{python.Stderr}");
        var messages = lines.Where(l => l.TryGetProperty("message", out _)).Select(Message).ToList();
        return (messages, outcome);
    }

    private static byte[] Message(JsonElement line) => Convert.FromHexString(line.GetProperty("message").GetString()!);
}
