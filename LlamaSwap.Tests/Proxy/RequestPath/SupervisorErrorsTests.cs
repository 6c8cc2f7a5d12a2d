using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class SupervisorErrorsTests
{
    private static readonly Uri Supervisor = new("http://127.0.0.1:5101");

    [Theory]
    [InlineData(StatusCode.NotFound, 404, "no local server found for requested model")]
    [InlineData(StatusCode.ResourceExhausted, 429, "Too many requests")]
    [InlineData(StatusCode.Unavailable, 500, "unspecific error: upstream command exited prematurely")]
    [InlineData(StatusCode.Aborted, 500, "unspecific error: upstream command exited prematurely")]
    public void MapsContractCodesToLlamaSwapAnswers(StatusCode code, int status, string message)
    {
        var error = SupervisorErrors.ToProxyError(new RpcException(code, "upstream command exited prematurely"), Supervisor);

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ATransportFailureNamesTheUnreachableSupervisor()
    {
        var error = SupervisorErrors.ToProxyError(
            new RpcException(StatusCode.Unavailable, "Connection refused", innerException: new HttpRequestException("Connection refused")), Supervisor);

        Assert.Equal(503, error.StatusCode);
        Assert.Contains("Supervisor at http://127.0.0.1:5101/ is unreachable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TooManyRequestsCarriesTheConcurrencyLimitCode() =>
        Assert.Equal("concurrency_limit", SupervisorErrors.ToProxyError(new RpcException(StatusCode.ResourceExhausted, "full"), Supervisor).Code);
}
