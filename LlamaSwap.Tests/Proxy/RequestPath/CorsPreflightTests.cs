using LlamaSwap.Proxy.Cors;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class CorsPreflightTests
{
    [Theory]
    [InlineData("", CorsPreflightMiddleware.DefaultAllowedHeaders)]
    [InlineData("content-type,x-api-key", "content-type, x-api-key")]
    [InlineData(" Authorization , bad header , x(y), X-Session-ID ", "Authorization, X-Session-ID")]
    public void AllowsTheRequestedValidHeaderNames(string requested, string allowed) =>
        Assert.Equal(allowed, CorsPreflightMiddleware.AllowedHeaders(requested));
}
