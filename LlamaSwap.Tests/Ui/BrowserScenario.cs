using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace LlamaSwap.Tests.Ui;

/// <summary>
/// Runs one scenario of <c>browser/run.mjs</c> (playwright-core driving Debian's Chromium) against a
/// running server. The script prints <c>wait &lt;step&gt;</c> where the test must act (write a log line,
/// send a request); <see cref="RunAsync"/> calls the step handler and answers <c>go</c>. Screenshots go to
/// <see cref="ArtifactsRoot"/>/&lt;test name&gt;/.
/// </summary>
internal static class BrowserScenario
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    internal static string RunnerFolder => Path.Combine(RepositoryRoot, "LlamaSwap.Tests", "Ui", "browser");

    /// <summary>artifacts/ui-screenshots at the repository root, or LLAMASWAP_UI_ARTIFACTS.</summary>
    public static string ArtifactsRoot =>
        Environment.GetEnvironmentVariable("LLAMASWAP_UI_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryRoot, "artifacts", "ui-screenshots");

    public static async Task<IReadOnlyList<string>> RunAsync(
        string scenario,
        Uri baseAddress,
        IReadOnlyDictionary<string, string>? options = null,
        Func<string, Task>? onStep = null,
        TimeSpan? timeout = null,
        [CallerMemberName] string testName = "")
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium (.ci/install-prerequisites does).");
        Assert.True(Directory.Exists(Path.Combine(RunnerFolder, "node_modules", "playwright-core")),
            $"playwright-core is not installed: run `npm ci` in {RunnerFolder} (.ci/install-prerequisites does).");

        var output = Path.Combine(ArtifactsRoot, testName);
        if (Directory.Exists(output))
            Directory.Delete(output, recursive: true);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RunnerFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[] { "run.mjs", scenario, "--base", baseAddress.ToString(), "--out", output })
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in options ?? new Dictionary<string, string>())
        {
            start.ArgumentList.Add("--" + name);
            start.ArgumentList.Add(value);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var lines = new List<string>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                lines.Add(line);
                if (!line.StartsWith("wait ", StringComparison.Ordinal))
                    continue;
                if (onStep is not null)
                    await onStep(line[5..]).WaitAsync(deadline.Token);
                await process.StandardInput.WriteLineAsync("go".AsMemory(), deadline.Token);
                await process.StandardInput.FlushAsync(deadline.Token);
            }
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"browser scenario {scenario} did not finish in time; output so far:\n{string.Join('\n', lines)}");
        }

        var errors = await stderr;
        Assert.True(process.ExitCode == 0 && lines.LastOrDefault() == "ok",
            $"browser scenario {scenario} failed (exit {process.ExitCode}); screenshots in {output}\n{string.Join('\n', lines)}\n{errors}");
        return lines;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlamaSwap.Aspire.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No LlamaSwap.Aspire.sln above {AppContext.BaseDirectory}");
    }
}
