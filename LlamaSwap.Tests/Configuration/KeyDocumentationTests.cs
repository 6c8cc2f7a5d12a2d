using System.Reflection;
using System.Text.RegularExpressions;
using LlamaSwap.Configuration.Decoding;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Configuration;

/// <summary>Every key the configuration accepts is documented in the configuration README.</summary>
public sealed class KeyDocumentationTests
{
    [Fact]
    public void EveryKnownKeyAppearsInTheReadme()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "LlamaSwap.Configuration", "README.md"));
        var keys = typeof(Keys).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Distinct(StringComparer.Ordinal);

        // Words inside code spans: `hooks.on_startup.preload` documents hooks, on_startup and preload.
        var prose = Regex.Replace(readme, "```.*?```", "", RegexOptions.Singleline);
        var documented = Regex.Matches(prose, "`([^`\n]+)`").SelectMany(m => Regex.Split(m.Groups[1].Value, "[^A-Za-z0-9_]+"))
            .ToHashSet(StringComparer.Ordinal);
        var missing = keys.Where(key => !documented.Contains(key)).ToList();

        Assert.True(missing.Count == 0, "undocumented keys: " + string.Join(", ", missing));
    }
}
