using LlamaSwap.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace LlamaSwap.Tests.ServiceDefaults;

public sealed class ServiceEndpointResolverTests
{
    [Theory]
    [InlineData("services:supervisor:grpc:0", "http://localhost:5101/")]
    [InlineData("services:supervisor:http:0", "http://localhost:5101/")]
    public void ResolvesNamedEndpointThenHttpFallback(string key, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = "http://localhost:5101" })
            .Build();

        Assert.Equal(expected, ServiceEndpointResolver.Resolve(configuration, "supervisor", "grpc")?.ToString());
    }

    [Fact]
    public void EnvironmentVariableSpellingIsReadThroughConfiguration()
    {
        const string name = "services__llamaswap-test__grpc__0";
        Environment.SetEnvironmentVariable(name, "http://127.0.0.1:7001");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            Assert.Equal(7001, ServiceEndpointResolver.Resolve(configuration, "llamaswap-test", "grpc")?.Port);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void MissingEndpointNamesTheVariableToSet()
    {
        var configuration = new ConfigurationBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => ServiceEndpointResolver.ResolveRequired(configuration, "supervisor", "grpc"));
        Assert.Contains("services__supervisor__grpc__0", error.Message);
    }

    [Theory]
    [InlineData("/health", true)]
    [InlineData("/alive", true)]
    [InlineData("/v1/chat/completions", false)]
    public void HealthProbesAreRecognised(string path, bool probe) => Assert.Equal(probe, HealthEndpointFilter.IsProbe(path));
}
