using System.Text.RegularExpressions;
using LlamaSwap.Configuration;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Configuration;

/// <summary>The repository's models.yaml, including the examples a user is told to uncomment.</summary>
public sealed partial class RepositoryModelsYamlTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["LLAMASWAP_SIMULATOR"] = "/opt/llamaswap/LlamaSwap.Simulator.dll",
        ["GPU2_API_KEY"] = "secret",
    };

    [Fact]
    public void TheCommentedExamplesLoadWhereTheyStandOnceUncommented()
    {
        var text = File.ReadAllText(RepositoryFiles.PathOf("models.yaml"));

        var result = ConfigLoader.LoadText(Uncomment(text), "models.yaml", Environment);

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        Assert.Empty(result.Warnings);
        Assert.Superset(new HashSet<string> { "llama-3.1-8b", "vllm-qwen", "gpu-box" }, result.Config.Models.Keys.ToHashSet());
        Assert.True(result.Config.Models["gpu-box"].IsEndpoint);
        Assert.Equal("--ctx-size", result.Config.Models["llama-3.1-8b"].CommandLine[5]);
        Assert.Equal("auto", Assert.Single(result.Config.Routes).Name);
        Assert.Contains("gpu2", result.Config.Peers.Keys);
    }

    [Fact]
    public void AsShippedItLoadsWithoutWarnings()
    {
        var result = ConfigLoader.LoadText(File.ReadAllText(RepositoryFiles.PathOf("models.yaml")), "models.yaml", Environment);

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        Assert.Empty(result.Warnings);
        Assert.DoesNotContain("gpu-box", result.Config.Models.Keys);
    }

    /// <summary>
    /// What a user does: after each comment line that says "Uncomment", removes one level of comment from the comment
    /// lines that follow it, up to the first line that is not a comment.
    /// </summary>
    private static string Uncomment(string yaml)
    {
        var lines = yaml.Split('\n');
        var inExample = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var comment = CommentLine().Match(lines[i]);
            if (!comment.Success)
            {
                inExample = false;
                continue;
            }

            if (inExample)
                lines[i] = comment.Groups["indent"].Value + comment.Groups["rest"].Value;
            else if (lines[i].Contains("Uncomment", StringComparison.Ordinal))
                inExample = true;
        }

        Assert.Contains(lines, l => l.StartsWith("routes:", StringComparison.Ordinal));
        return string.Join('\n', lines);
    }

    [GeneratedRegex("^(?<indent> *)# ?(?<rest>.*)$")]
    private static partial Regex CommentLine();
}
