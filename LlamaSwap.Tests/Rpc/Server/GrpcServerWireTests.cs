using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using LlamaSwap.Rpc.Wire;
using LlamaSwap.Tests.Rpc.Infrastructure;

namespace LlamaSwap.Tests.Rpc.Server;

/// <summary>What the server puts on the wire, observed with a raw HTTP/2 client.</summary>
public sealed class GrpcServerWireTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task UnaryCallSendsHeadersOneMessageAndOkTrailers()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);

        var response = await SendAsync(client, RawGrpc.Request(EchoService.EchoMethod.Path, Frame(new StringValue { Value = "hi" })));

        Assert.Equal(200, response.HttpStatus);
        Assert.Equal(2, response.Version.Major);
        Assert.Equal("application/grpc", response.Headers["content-type"]);
        Assert.False(response.IsTrailersOnly);
        Assert.Equal("hi", StringValue.Parser.ParseFrom(Assert.Single(response.Messages)).Value);
        Assert.Equal("0", response.Trailers["grpc-status"]);
        Assert.Equal("done", response.Trailers["echo-trailer"]);
        Assert.Equal(0, response.LeftoverBytes);
    }

    [Fact]
    public async Task ServerStreamingSendsEveryMessageThenOkTrailers()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);

        var response = await SendAsync(client, RawGrpc.Request(EchoService.CountMethod.Path, Frame(new UInt32Value { Value = 3 })));

        Assert.Equal([0u, 1u, 2u], response.Messages.Select(m => UInt32Value.Parser.ParseFrom(m).Value));
        Assert.Equal("0", response.Trailers["grpc-status"]);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/grpc-web")]
    [InlineData("text/plain")]
    public async Task NonGrpcContentTypeOnAMethodIs415WithInternalStatus(string contentType)
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);

        var response = await SendAsync(client, RawGrpc.Request(EchoService.EchoMethod.Path, Frame(new StringValue()), contentType));

        Assert.Equal(415, response.HttpStatus);
        Assert.Equal("13", response.Headers["grpc-status"]);
        Assert.Contains(contentType, response.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/no.such.Service/Method", "Service is unimplemented.")]
    [InlineData("/llamaswap.test.v1.Echo/NoSuchMethod", "Method is unimplemented.")]
    [InlineData("/grpc.health.v1.Health/List", "Method is unimplemented.")]
    [InlineData("/a/b/c", "Service is unimplemented.")]
    [InlineData("/", "Service is unimplemented.")]
    public async Task GrpcCallToAnUnknownPathIsTrailersOnlyUnimplemented(string path, string expectedMessage)
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);

        var response = await SendAsync(client, RawGrpc.Request(path, Frame(new StringValue())));

        Assert.Equal(200, response.HttpStatus);
        Assert.True(response.IsTrailersOnly);
        Assert.Equal("12", response.Headers["grpc-status"]);
        Assert.Equal(expectedMessage, response.Headers["grpc-message"]);
        Assert.Empty(response.Messages);
    }

    [Fact]
    public async Task NonGrpcRequestToAnUnknownPathIsAPlain404()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);

        var response = await SendAsync(client, RawGrpc.Request("/no.such.Service/Method", [], "application/json"));

        Assert.Equal(404, response.HttpStatus);
        Assert.Null(response.Status);
    }

    [Theory]
    [InlineData("", "13", "Request did not contain a message.")]
    [InlineData("0000", "13", "Incomplete message.")]
    [InlineData("00000000050A", "13", "Incomplete message.")]
    [InlineData("000000FFFF", "8", "Received message exceeds the maximum configured message size.")]
    [InlineData("0200000000", "13", "Invalid compressed flag in message header; expected 0 or 1.")]
    [InlineData("FF00000000", "13", "Invalid compressed flag in message header; expected 0 or 1.")]
    [InlineData("010000000100", "13", "Request sent a compressed message without a grpc-encoding header.")]
    [InlineData("000000000000", "13", "Additional data after the message received.")]
    [InlineData("00000000000000000000", "13", "Additional data after the message received.")]
    [InlineData("0000000002FFFF", "13", "Failed to deserialize request message.")]
    [InlineData("00000000030A05", "13", "Incomplete message.")]
    [InlineData("00000000020A05", "13", "Failed to deserialize request message.")]
    public async Task MalformedRequestBodiesEndInACleanStatus(string bodyHex, string expectedStatus, string expectedMessage)
    {
        await using var server = await GrpcTestServer.StartAsync(options => options.MaxReceiveMessageSize = 1024);
        using var client = RawGrpc.CreateClient(server.Address);

        var response = await SendAsync(client, RawGrpc.Request(EchoService.EchoMethod.Path, Convert.FromHexString(bodyHex)));

        Assert.Equal(200, response.HttpStatus);
        Assert.True(response.IsTrailersOnly);
        Assert.Equal(expectedStatus, response.Status);
        Assert.Equal(expectedMessage, response.Message);
        Assert.Empty(server.Logs.Problems);
    }

    [Fact]
    public async Task CompressedMessageWithAnUnsupportedEncodingIsUnimplementedAndAdvertisesIdentity()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);
        var request = RawGrpc.Request(EchoService.EchoMethod.Path, Convert.FromHexString("010000000100"));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var response = await SendAsync(client, request);

        Assert.Equal("12", response.Status);
        Assert.Equal("identity", response.Headers["grpc-accept-encoding"]);
    }

    [Fact]
    public async Task HandlerExceptionIsUnknownWithoutItsDetails()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);

        var response = await SendAsync(client, RawGrpc.Request(EchoService.ThrowMethod.Path, Frame(new StringValue())));

        Assert.Equal("2", response.Status);
        Assert.Equal("Exception was thrown by handler.", response.Message);
        Assert.DoesNotContain(response.Headers.Values.Concat(response.Trailers.Values), v => v.Contains("secret", StringComparison.Ordinal));
        var logged = Assert.Single(server.Logs.Problems);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task RpcExceptionBecomesTheStatusWithPercentEncodedDetailAndItsTrailers()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);

        var response = await SendAsync(client, RawGrpc.Request(EchoService.FailMethod.Path, Frame(new StringValue { Value = "5|modèle 100% introuvable" })));

        Assert.True(response.IsTrailersOnly);
        Assert.Equal("5", response.Status);
        Assert.Equal("mod%C3%A8le 100%25 introuvable", response.Message);
        Assert.Equal("present", response.Headers["failure-trailer"]);
        Assert.Empty(server.Logs.Problems);
    }

    [Fact]
    public async Task GrpcTimeoutEndsTheCallWithDeadlineExceededAndFiresTheHandlersToken()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);
        var request = RawGrpc.Request(EchoService.HangMethod.Path, Frame(new StringValue { Value = "deadline" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");

        var response = await SendAsync(client, request);

        Assert.Equal("4", response.Status);
        Assert.Equal("Deadline Exceeded", response.Message);
        var context = await server.Echo.WhenCancelled("deadline").WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.NotNull(context.Deadline);
        await server.Calls.WaitForIdleAsync().WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AnAlreadyExpiredTimeoutFailsWithoutWaiting()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);
        var request = RawGrpc.Request(EchoService.HangMethod.Path, Frame(new StringValue { Value = "expired" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "1n");

        var response = await SendAsync(client, request);

        Assert.Equal("4", response.Status);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("1s")]
    [InlineData("123456789S")]
    public async Task AnInvalidTimeoutIsIgnored(string timeout)
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);
        var request = RawGrpc.Request(EchoService.EchoMethod.Path, Frame(new StringValue { Value = "x" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);

        var response = await SendAsync(client, request);

        Assert.Equal("0", response.Status);
    }

    [Fact]
    public async Task ClientResetFiresTheHandlersTokenAndTheCallEnds()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);
        var ct = TestContext.Current.CancellationToken;

        using (var response = await client.SendAsync(
            RawGrpc.Request(EchoService.StreamThenHangMethod.Path, Frame(new StringValue { Value = "reset" })),
            HttpCompletionOption.ResponseHeadersRead,
            ct))
        {
            var stream = await response.Content.ReadAsStreamAsync(ct);
            var first = new byte[5];
            await stream.ReadExactlyAsync(first, ct);
            await server.Echo.WhenStarted("reset").WaitAsync(Timeout, ct);

            // Disposing an unfinished HTTP/2 response sends RST_STREAM(CANCEL).
        }

        var context = await server.Echo.WhenCancelled("reset").WaitAsync(Timeout, ct);
        Assert.True(context.CancellationToken.IsCancellationRequested);
        await server.Calls.WaitForIdleAsync().WaitAsync(Timeout, ct);
        Assert.Empty(server.Logs.Problems);
    }

    [Fact]
    public async Task HandlersSeeCustomMetadataButNotProtocolHeaders()
    {
        await using var server = await GrpcTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.Address);

        async Task<string> HeaderAsync(string name)
        {
            var request = RawGrpc.Request(EchoService.HeaderMethod.Path, Frame(new StringValue { Value = name }));
            request.Headers.TryAddWithoutValidation("x-custom", "custom value");
            request.Headers.TryAddWithoutValidation("grpc-timeout", "10S");
            var response = await SendAsync(client, request);
            return StringValue.Parser.ParseFrom(Assert.Single(response.Messages)).Value;
        }

        Assert.Equal("custom value", await HeaderAsync("x-custom"));
        Assert.Equal(string.Empty, await HeaderAsync("grpc-timeout"));
        Assert.Equal(string.Empty, await HeaderAsync("content-type"));
        Assert.Equal(string.Empty, await HeaderAsync("te"));
    }

    [Fact]
    public async Task Http11RequestIs426UpgradeRequired()
    {
        await using var server = await GrpcTestServer.StartAsync(protocols: Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1);
        using var client = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, EchoService.EchoMethod.Path) { Content = new ByteArrayContent(Frame(new StringValue())) };
        request.Content.Headers.TryAddWithoutValidation("content-type", "application/grpc");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("HTTP/2", string.Join(",", response.Headers.Upgrade));
        Assert.Equal("13", response.Headers.GetValues("grpc-status").Single());
    }

    private static byte[] Frame(IMessage message) => MessageFraming.Frame(message);

    private static Task<RawResponse> SendAsync(HttpClient client, HttpRequestMessage request) =>
        RawGrpc.SendAsync(client, request, TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
}
