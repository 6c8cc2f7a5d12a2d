using LlamaSwap.Configuration;
using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

/// <summary><c>routes:</c>, <c>resilience:</c>, <c>endpointHealth:</c> and endpoint models (a URL, no cmd).</summary>
public sealed class RoutesTests
{
    private static readonly string[] Models =
    [
        "models:",
        "  small:",
        "    cmd: server --port ${PORT}",
        "  big:",
        "    cmd: server --port ${PORT}",
        "    aliases: [large]",
        "  remote:",
        "    endpoint: http://10.0.0.9:8000",
    ];

    private static string Config(params string[] lines) => Yaml([.. Models, .. lines]);

    [Fact]
    public void ARuleReadsItsMatchTargetsWeightsFallbackAndStrategy()
    {
        var config = LoadValid(Config(
            "routes:",
            "  - name: tiers",
            "    match:",
            "      model: auto",
            "      headers: { X-Model-Tier: premium }",
            "      pathPattern: ^/v1/chat",
            "    targets:",
            "      - { model: big, weight: 3 }",
            "      - small",
            "    fallback: [remote]",
            "    strategy: least-loaded",
            "    hideBackend: true",
            "  - match: { modelPattern: '^gpt-' }",
            "    targets: [large]"));

        var rule = config.Routes[0];
        Assert.Equal("tiers", rule.Name);
        Assert.Equal("auto", rule.Match.Model);
        Assert.Equal("premium", rule.Match.Headers["x-model-tier"]);
        Assert.Equal("^/v1/chat", rule.Match.PathPattern);
        Assert.Equal([new RouteTarget("big", 3), new RouteTarget("small", 1)], rule.Targets);
        Assert.Equal(["remote"], rule.Fallback);
        Assert.Equal(RouteStrategy.LeastLoaded, rule.Strategy);
        Assert.True(rule.HideBackend);
        Assert.Equal("routes[1]", config.Routes[1].Name);
        Assert.Equal(RouteStrategy.Weighted, config.Routes[1].Strategy);
    }

    [Fact]
    public void AnEndpointModelHasNoCommandAndBelongsToNoGroup()
    {
        var config = LoadValid(Config());

        var remote = config.Models["remote"];
        Assert.True(remote.IsEndpoint);
        Assert.Equal("http://10.0.0.9:8000", remote.Proxy);
        Assert.False(config.Models["small"].IsEndpoint);
        Assert.DoesNotContain("remote", config.Routing.Groups.SelectMany(g => g.Members));
    }

    [Fact]
    public void AnEndpointModelInAGroupIsAnError() =>
        AssertError(Config("groups:", "  g:", "    members: [small, remote]"),
            "models.yaml:11:22 groups.g.members[1]: group g member remote is an endpoint model: nothing is started for it, so it belongs to no group");

    [Fact]
    public void AnEndpointWithACommandIsAnError() =>
        AssertError(Yaml("models:", "  m:", "    cmd: server --port 9000", "    endpoint: http://127.0.0.1:9000"),
            "models.yaml:4:15 models.m.endpoint: an endpoint model has no cmd (use proxy: for the URL of a server cmd starts)");

    [Fact]
    public void OnlyAnEndpointTakesAnApiKey()
    {
        Assert.Equal("k", LoadValid(Yaml("models:", "  m:", "    endpoint: http://10.0.0.9:8000", "    apiKey: k")).Models["m"].ApiKey);
        AssertError(Yaml("models:", "  m:", "    cmd: server --port ${PORT}", "    apiKey: k"),
            "models.yaml:4:13 models.m.apiKey: only an endpoint model (a URL, no cmd) takes an apiKey");
    }

    [Fact]
    public void AModelWithNeitherCommandNorUrlSaysWhatItNeeds() =>
        AssertError(Yaml("models:", "  m:", "    ttl: 5"),
            "models.yaml:2:3 models.m.proxy: proxy uses ${PORT} but cmd does not - ${PORT} is only available when used in cmd " +
            "(a model needs a cmd that starts its server, or an endpoint: the URL of a server already running)");

    [Fact]
    public void UnknownTargetsAndFallbacksAreNamed()
    {
        var result = AssertError(Config("routes:", "  - targets: [small, nope]", "    fallback: [gone]"),
            "models.yaml:10:22 routes[0].targets[1]: references unknown model \"nope\"");
        Assert.Contains(result.Errors, e => e.ToString() == "models.yaml:11:16 routes[0].fallback[0]: references unknown model \"gone\"");
    }

    [Fact]
    public void ABadPatternAndAnEmptyRuleAreErrors()
    {
        var result = AssertError(Config("routes:", "  - match: { modelPattern: '([' }", "    targets: [small]", "  - name: empty"),
            "models.yaml:10:28 routes[0].match.modelPattern: invalid regular expression: Invalid pattern '([' at offset 2. Unterminated [] set.");
        Assert.Contains(result.Errors, e => e.ToString() == "models.yaml:12:5 routes[1].targets: needs at least one target (a model name, or {model, weight})");
    }

    [Fact]
    public void WeightsMustNotAllBeZeroAndStrategiesAreNamed()
    {
        var result = AssertError(Config("routes:", "  - targets: [{ model: small, weight: 0 }]", "    strategy: random"),
            "models.yaml:11:15 routes[0].strategy: unknown strategy \"random\" (valid: weighted, least-loaded)");
        Assert.Contains(result.Errors, e => e.ToString().EndsWith("routes[0].targets: at least one target needs a weight above 0", StringComparison.Ordinal));
    }

    [Fact]
    public void ResilienceAndHealthSettingsHaveDefaultsAndBounds()
    {
        var defaults = LoadValid(Config());
        Assert.Equal(new ResilienceConfig(), defaults.Resilience);
        Assert.Equal(TimeSpan.FromSeconds(5), defaults.EndpointHealth.Interval);

        var tuned = LoadValid(Config(
            "resilience:", "  retries: 2", "  retryDelay: 50ms",
            "  breaker: { failureRatio: 0.25, minimumThroughput: 2, samplingDuration: 10s, breakDuration: 1s }",
            "endpointHealth: { interval: 1s, timeout: 300ms }"));
        Assert.Equal(new ResilienceConfig
        {
            Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(50), BreakerFailureRatio = 0.25, BreakerMinimumThroughput = 2,
            BreakerSamplingDuration = TimeSpan.FromSeconds(10), BreakerBreakDuration = TimeSpan.FromSeconds(1),
        }, tuned.Resilience);
        Assert.Equal(new EndpointHealthConfig { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromMilliseconds(300) }, tuned.EndpointHealth);

        AssertError(Config("endpointHealth: { interval: 1s, timeout: 2s }"),
            "models.yaml:9:42 endpointHealth.timeout: must not exceed the interval (1s)");
        AssertError(Config("resilience: { breaker: { breakDuration: 10ms } }"),
            "models.yaml:9:41 resilience.breaker.breakDuration: must be at least 500ms (got 10ms)");
    }

    [Fact]
    public void ATypoInARuleIsAWarningThatSuggestsTheKey() =>
        AssertWarning(Config("routes:", "  - targets: [small]", "    fallbak: [big]"),
            "models.yaml:11:5 routes[0].fallbak: unknown key 'fallbak' (did you mean 'fallback'?)");
}
