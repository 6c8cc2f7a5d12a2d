using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class ProfilesTests
{
    private static readonly string[] Base =
    [
        "models:",
        "  a: { cmd: 's ${PORT}', aliases: [alias-a], filters: { setParamsByID: { a-fast: { x: 1 } } } }",
        "  b: { cmd: 's ${PORT}' }",
        "peers:",
        "  p: { proxy: 'http://p', models: [remote] }",
        "selectors:",
        "  sel: { strategy: pin, targets: [a] }",
    ];

    private static string With(params string[] lines) => Yaml([.. Base, .. lines]);

    [Fact]
    public void PinsResolveToEveryKindOfTargetAndEmptyDisables()
    {
        var profile = LoadValid(With(
            "profiles:",
            "  work:",
            "    description: office hours",
            "    pins:",
            "      gpt-4o: a",
            "      gpt-4: alias-a",
            "      fast: a-fast",
            "      far: p/remote",
            "      bare: remote",
            "      virtual: sel",
            "      off: ''",
            "      nothing: ~")).Profiles["work"];

        Assert.Equal("work", profile.Name);
        Assert.Equal("office hours", profile.Description);
        Assert.Equal("a", profile.Pins["gpt-4o"]);
        Assert.Equal("remote", profile.Pins["bare"]);
        Assert.Equal("", profile.Pins["off"]);
        Assert.Equal("", profile.Pins["nothing"]);
        Assert.Equal(8, profile.Pins.Count);
    }

    [Theory]
    [InlineData("profiles:\n  - work", "models.yaml:9:3 profiles: legacy list syntax is no longer supported: use profiles.<name>.pins.<requested name>: <target>")]
    [InlineData("profiles:\n  work: [a]", "models.yaml:9:9 profiles.work: legacy list syntax is no longer supported: use profiles.<name>.pins.<requested name>: <target>")]
    [InlineData("profiles:\n  work: { pins: {} }", "models.yaml:9:17 profiles.work.pins: must contain at least one entry")]
    [InlineData("profiles:\n  work: { description: x }", "models.yaml:9:9 profiles.work.pins: must contain at least one entry")]
    [InlineData("profiles:\n  work: { pins: { x: ghost } }", "models.yaml:9:22 profiles.work.pins.x: references unknown model \"ghost\"")]
    [InlineData("profiles:\n  work: { pins: { x: a, y: x } }", "models.yaml:9:28 profiles.work.pins.y: references unknown model \"x\"")]
    [InlineData("profiles:\n  work: { pins: { ' ': a } }", "models.yaml:9:19 profiles.work.pins. : pin name must not be blank")]
    [InlineData("profiles:\n  ' ': { pins: { x: a } }", "models.yaml:9:3 profiles. : profile name must not be blank")]
    public void InvalidProfiles(string lines, string expected) => AssertError(With(lines), expected);
}
