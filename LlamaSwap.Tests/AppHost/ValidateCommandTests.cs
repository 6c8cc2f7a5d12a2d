using System.Diagnostics;
using LlamaSwap.AppHost.Cli;
using LlamaSwap.Configuration;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("llamaswap-validate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(string yaml)
    {
        var path = Path.Combine(_directory, "models.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void ValidConfigurationPrintsModelsAndPorts()
    {
        var path = WriteConfig("""
            startPort: 9100
            models:
              a:
                cmd: server --port ${PORT}
                aliases: [alpha]
              b:
                cmd: server --port ${PORT}
                ttl: 30
            """);
        var output = new StringWriter();

        var exitCode = ValidateCommand.Run(new ConfigSource(path), output, new StringWriter());

        Assert.Equal(0, exitCode);
        var text = output.ToString();
        Assert.Contains("2 model(s), 1 alias(es)", text);
        Assert.Contains("- a: port 9100", text);
        Assert.Contains("- b: port 9101, ttl 30s", text);
        Assert.Contains("ports: 2 assigned (9100-9101)", text);
    }

    [Fact]
    public void EndpointModelsAndRoutesAreSummarised()
    {
        var path = WriteConfig("""
            models:
              a:
                cmd: server --port ${PORT}
              remote:
                endpoint: http://10.0.0.7:8080
            routes:
              - name: auto
                match: { model: auto }
                targets: [{ model: a, weight: 3 }, remote]
                fallback: [remote]
            """);
        var output = new StringWriter();

        Assert.Equal(0, ValidateCommand.Run(new ConfigSource(path), output, new StringWriter()));
        var text = output.ToString();
        Assert.Contains("- remote: endpoint http://10.0.0.7:8080, health check /health", text);
        Assert.Contains("route auto: a×3, remote×1, then remote", text);
    }

    [Fact]
    public void InvalidConfigurationListsEveryErrorWithItsPosition()
    {
        var path = WriteConfig("""
            models:
              a:
                cmd: server --port ${PORT}
                ttl: -5
              b:
                cmd: server --port 8000
            """);
        var errors = new StringWriter();

        var exitCode = ValidateCommand.Run(new ConfigSource(path), new StringWriter(), errors);

        Assert.Equal(1, exitCode);
        var lines = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("models.yaml:4:10 models.a.ttl", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("models.b", StringComparison.Ordinal) && l.Contains("${PORT}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("2 error(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepositoryModelsYamlValidatesThroughTheAppHostProcess()
    {
        var repositoryConfig = Path.Combine(RepositoryFiles.Root, "models.yaml");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "LlamaSwap.AppHost.dll"), "validate", "--config", repositoryConfig })
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("valid:", await stdout);
    }

    [Theory]
    [InlineData(new[] { "validate", "--config" }, "option --config needs a value")]
    [InlineData(new[] { "--bogus" }, "unknown argument '--bogus'")]
    public void BadArgumentsAreNamed(string[] args, string expected)
    {
        Assert.Null(AppHostCommandLine.Parse(args, out var error));
        Assert.Equal(expected, error);
    }
}
