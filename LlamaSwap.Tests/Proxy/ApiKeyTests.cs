using System.Text;
using LlamaSwap.Proxy.Auth;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.Tests.Proxy;

public sealed class ApiKeyTests
{
    private static string Basic(string userAndPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    [Theory]
    [InlineData("Bearer sk-1", null, "sk-1")]
    [InlineData("bearer sk-1", null, "sk-1")]
    [InlineData(null, "sk-2", "sk-2")]
    [InlineData("Bearer sk-1", "sk-2", "sk-1")]
    [InlineData("Basic !!notbase64", "sk-2", "sk-2")]
    [InlineData("Token abc", null, null)]
    [InlineData(null, null, null)]
    public void ExtractsKeyInPrecedenceOrder(string? authorization, string? apiKey, string? expected)
    {
        IHeaderDictionary headers = new HeaderDictionary();
        if (authorization is not null)
            headers.Authorization = authorization;
        if (apiKey is not null)
            headers[ApiKeyExtractor.ApiKeyHeader] = apiKey;

        Assert.Equal(expected, ApiKeyExtractor.Extract(headers));
    }

    [Fact]
    public void BasicAuthenticationUsesThePasswordWithAnyUserName()
    {
        IHeaderDictionary headers = new HeaderDictionary();
        headers.Authorization = Basic("anyone:sk-secret:with-colon");

        Assert.Equal("sk-secret:with-colon", ApiKeyExtractor.Extract(headers));
    }

    [Theory]
    [InlineData("sk-a", true)]
    [InlineData("sk-b", true)]
    [InlineData("sk-", false)]
    [InlineData("sk-ab", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void ValidatesAgainstEveryConfiguredKey(string? presented, bool valid) =>
        Assert.Equal(valid, new ApiKeyValidator(["sk-a", "sk-b"]).IsValid(presented));

    [Fact]
    public void NoConfiguredKeysMeansAuthenticationIsOff()
    {
        var validator = new ApiKeyValidator([]);

        Assert.False(validator.Enabled);
        Assert.True(validator.IsValid(null));
    }
}
