using LlamaSwap.Configuration;
using static LlamaSwap.Tests.Configuration.ConfigTestHelpers;

namespace LlamaSwap.Tests.Configuration;

public sealed class MultiSourceMergeTests : IDisposable
{
    private readonly TempConfigDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static ConfigLoadResult Load(ConfigSource source) => ConfigLoader.Load(source, NoEnvironment);

    [Fact]
    public void FileThenDirectoryFilesInNameOrderAreMerged()
    {
        var main = temp.Write("main.yaml", Yaml(
            "macros: { a: from-main }",
            "apiKeys: [k1]",
            "models:",
            "  m1: { cmd: 's ${a} ${b}', proxy: 'http://h:1' }"));
        var dir = temp.Dir("conf.d");
        temp.Write("conf.d/20-second.yml", Yaml("apiKeys: [k3]", "models:", "  m3: { cmd: s, proxy: 'http://h:3' }"));
        temp.Write("conf.d/10-first.yaml", Yaml("macros: { b: from-dir }", "apiKeys: [k2]", "models:", "  m2: { cmd: s, proxy: 'http://h:2' }"));
        temp.Write("conf.d/ignored.txt", "not: yaml: at: all");
        temp.Write("conf.d/empty.yaml", "# only a comment\n");
        temp.Write("conf.d/nested/deep.yaml", Yaml("models:", "  deep: { cmd: s, proxy: 'http://h:9' }"));

        var result = Load(new ConfigSource(main, dir));

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal(["m1", "m2", "m3"], result.Config.Models.Keys);
        Assert.Equal(["k1", "k2", "k3"], result.Config.ApiKeys);
        Assert.Equal("s from-main from-dir", result.Config.Models["m1"].Cmd);
        Assert.Equal([main, Path.Combine(dir, "10-first.yaml"), Path.Combine(dir, "20-second.yml"), Path.Combine(dir, "empty.yaml")],
            result.Config.Sources);
    }

    [Fact]
    public void DirectoryAloneIsASource()
    {
        var dir = temp.Dir("only");
        temp.Write("only/a.yaml", Yaml("models:", "  a: { cmd: s, proxy: 'http://h:1' }"));

        var result = Load(new ConfigSource(null, dir));

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal(["a"], result.Config.Models.Keys);
    }

    [Fact]
    public void ModelDefinedInTwoSourcesIsAnError()
    {
        var a = temp.Write("a.yaml", Yaml("models:", "  m: { cmd: s, proxy: 'http://h:1' }"));
        var dir = temp.Dir("d");
        var b = temp.Write("d/b.yaml", Yaml("startPort: 6000", "models:", "  m: { cmd: t, proxy: 'http://h:2' }"));

        var error = Assert.Single(Load(new ConfigSource(a, dir)).Errors);

        Assert.Equal($"{b}:3:3 models.m: duplicate models \"m\" found in {b} (already defined in another config source: {a}:2:3)", error.ToString());
    }

    [Theory]
    [InlineData("peers", "  p: { proxy: 'http://p', models: [x] }")]
    [InlineData("profiles", "  p: { pins: { a: m } }")]
    [InlineData("selectors", "  p: { strategy: pin, targets: [m] }")]
    [InlineData("groups", "  p: { members: [m] }")]
    public void IdentityMapsRejectTheSameChildTwice(string map, string child)
    {
        var a = temp.Write("a.yaml", Yaml("models:", "  m: { cmd: s, proxy: 'http://h:1' }", $"{map}:", child));
        var dir = temp.Dir("d");
        var b = temp.Write("d/b.yaml", Yaml($"{map}:", child));

        var result = Load(new ConfigSource(a, dir));

        Assert.Contains(result.Errors, e => e.ToString() ==
            $"{b}:2:3 {map}.p: duplicate {map} \"p\" found in {b} (already defined in another config source: {a}:4:3)");
    }

    [Fact]
    public void RoutingGroupsMergeRecursivelyButEachGroupOnce()
    {
        var a = temp.Write("a.yaml", Yaml(
            "models:",
            "  m1: { cmd: s, proxy: 'http://h:1' }",
            "  m2: { cmd: s, proxy: 'http://h:2' }",
            "routing:",
            "  router:",
            "    settings:",
            "      groups:",
            "        g1: { members: [m1] }"));
        var dir = temp.Dir("d");
        temp.Write("d/b.yaml", Yaml("routing:", "  router:", "    settings:", "      groups:", "        g2: { members: [m2] }"));

        var result = Load(new ConfigSource(a, dir));

        Assert.True(result.Succeeded, Describe(result));
        Assert.Equal(["g1", "g2"], result.Config.Routing.Groups.Select(g => g.Id));
    }

    [Fact]
    public void ScalarConflictsAndKindMismatchesAreErrorsButEqualValuesAndNullsMerge()
    {
        var a = temp.Write("a.yaml", Yaml("startPort: 6000", "globalTTL: 5", "sendLoadingState: ~", "apiKeys: [k]", "performance: { disabled: true }"));
        var dir = temp.Dir("d");
        var b = temp.Write("d/b.yaml", Yaml("startPort: 6001", "globalTTL: 5", "sendLoadingState: true", "apiKeys: { k: v }", "performance: { disabled: true }"));

        var result = Load(new ConfigSource(a, dir));

        Assert.Equal(
            [
                $"{b}:1:12 startPort: conflict at \"startPort\": {b} sets a different value than a previous source ({a}:1:12)",
                $"{b}:4:10 apiKeys: conflict at \"apiKeys\": incompatible YAML node kinds (sequence in {a}:4:10 vs mapping)",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void NullOnTheLaterSideYieldsToTheEarlierValue()
    {
        var a = temp.Write("a.yaml", Yaml("sendLoadingState: true"));
        var dir = temp.Dir("d");
        temp.Write("d/b.yaml", Yaml("sendLoadingState:"));

        var result = Load(new ConfigSource(a, dir));

        Assert.True(result.Succeeded, Describe(result));
        Assert.True(result.Config.SendLoadingState);
    }

    [Fact]
    public void SameFileAsFileAndInDirectoryIsAnError()
    {
        var dir = temp.Dir("d");
        var file = temp.Write("d/a.yaml", Yaml("startPort: 6000"));

        var error = Assert.Single(Load(new ConfigSource(file, dir)).Errors);

        Assert.Equal($"{file}: {file} is also present in the config directory {dir}; give it once", error.ToString());
    }

    [Fact]
    public void NoSourcesIsAnError()
    {
        var dir = temp.Dir("empty");

        var error = Assert.Single(Load(new ConfigSource(null, dir)).Errors);

        Assert.Equal($"{dir}: no configuration sources found", error.ToString());
    }

    [Fact]
    public void AllSourcesEmptyGivesDefaults()
    {
        var dir = temp.Dir("d");
        temp.Write("d/a.yaml", "");
        temp.Write("d/b.yml", "# comment\n");

        var result = Load(new ConfigSource(null, dir));

        Assert.True(result.Succeeded, Describe(result));
        Assert.Empty(result.Config.Models);
    }

    [Fact]
    public void MissingFileIsAnError()
    {
        var missing = Path.Combine(temp.Root, "missing.yaml");

        var error = Assert.Single(Load(new ConfigSource(missing)).Errors);

        Assert.StartsWith($"{missing}: cannot read configuration file: ", error.ToString());
    }
}
