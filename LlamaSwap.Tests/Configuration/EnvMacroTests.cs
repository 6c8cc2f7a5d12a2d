using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class EnvMacroTests
{
    private static Dictionary<string, string> Env(params (string Name, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Value);

    [Fact]
    public void EnvValuesAreSubstitutedBeforeParsingSoTheyMayFormYaml()
    {
        var config = LoadValid(Yaml(
            "apiKeys: [${env.KEYS}]",
            "models:",
            "  ${env.MODEL}:",
            "    cmd: \"server --token ${env.TOKEN}\"",
            "    proxy: http://h:1"),
            Env(("KEYS", "k1, k2"), ("MODEL", "qwen"), ("TOKEN", "a\"b\\c")));

        Assert.Equal(["k1", "k2"], config.ApiKeys);
        Assert.Equal("server --token a\"b\\c", config.Models["qwen"].Cmd);
    }

    [Fact]
    public void UnsetVariableIsReportedAtItsUse() =>
        AssertError(Yaml(
            "models:",
            "  a:",
            "    cmd: server ${env.MISSING}",
            "    proxy: http://h:1"),
            "models.yaml:3:10 models.a.cmd: environment variable 'MISSING' is not set");

    [Fact]
    public void EveryUnsetVariableIsReported()
    {
        var result = Load(Yaml("apiKeys: ['${env.ONE}', '${env.TWO}']"));

        Assert.Equal(
            [
                "models.yaml:1:11 apiKeys[0]: environment variable 'ONE' is not set",
                "models.yaml:1:25 apiKeys[1]: environment variable 'TWO' is not set",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void VariablesOnlyInCommentsAreNotRequired()
    {
        var config = LoadValid(Yaml(
            "# uses ${env.NOT_SET_ANYWHERE}",
            "startPort: 7000 # ${env.ALSO_NOT_SET}"));

        Assert.Equal(7000, config.StartPort);
    }

    [Fact]
    public void ValueWithNewlineIsRejected() =>
        AssertError(Yaml("apiKeys: ['${env.K}']"),
            "models.yaml:1:11 apiKeys[0]: environment variable 'K' contains newlines or null bytes, which cannot be substituted",
            Env(("K", "a\nb")));

    [Fact]
    public void UnparsableTextIsScannedWhole() =>
        AssertError(Yaml("models: [${env.NOPE}", "  : :"),
            "models.yaml:1:10: environment variable 'NOPE' is not set");

    [Fact]
    public void EnvReferenceIntroducedThroughAMacroIsNotExpanded() =>
        AssertError(Yaml(
            "macros:",
            "  dollar: $",
            "apiKeys: ['${dollar}{env.TOKEN}']"),
            "models.yaml:3:11 apiKeys[0]: environment variable 'TOKEN' not set (${env.TOKEN} introduced by a macro is not expanded)",
            Env(("OTHER", "x")));

    [Fact]
    public void NullEnvironmentReadsTheProcessEnvironment()
    {
        var name = $"LLAMASWAP_TEST_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, "7123");
        try
        {
            var result = LlamaSwap.Configuration.ConfigLoader.LoadText($"startPort: ${{env.{name}}}\n");

            Assert.True(result.Succeeded, Describe(result));
            Assert.Equal(7123, result.Config.StartPort);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
