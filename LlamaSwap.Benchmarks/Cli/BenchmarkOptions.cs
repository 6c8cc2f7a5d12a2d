namespace LlamaSwap.Benchmarks.Cli;

/// <summary>Which scenarios a run measures.</summary>
internal enum ScenarioSelection
{
    All,
    Proxy,
    Swaps,
    Grpc,
}

/// <summary>The benchmark's command line.</summary>
internal sealed record BenchmarkOptions(bool Smoke, string? OutputDirectory, ScenarioSelection Only, bool MayInstall)
{
    public const string Usage = """
        usage: LlamaSwap.Benchmarks [--smoke] [--out DIR] [--only proxy|swaps|grpc] [--no-install]

          --smoke       tiny iteration counts, every scenario, under a minute; checks that each produced numbers
          --out DIR     where results.md and results.json go (default: LlamaSwap.Benchmarks/results,
                        or a temporary directory for --smoke so the committed results stay as they are)
          --only NAME   run one scenario: proxy, swaps or grpc
          --no-install  do not install nginx when it is missing (it is then reported as not installed)
        """;

    public bool Runs(ScenarioSelection scenario) => Only == ScenarioSelection.All || Only == scenario;

    public static BenchmarkOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var smoke = false;
        string? output = null;
        var only = ScenarioSelection.All;
        var mayInstall = true;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            string? Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                return i + 1 < args.Count ? args[++i] : null;
            }

            switch (name)
            {
                case "--smoke":
                    smoke = true;
                    break;
                case "--no-install":
                    mayInstall = false;
                    break;
                case "--out":
                    output = Value();
                    if (string.IsNullOrWhiteSpace(output))
                    {
                        error = "--out needs a directory";
                        return null;
                    }

                    break;
                case "--only":
                    var value = Value();
                    if (!Enum.TryParse<ScenarioSelection>(value, ignoreCase: true, out only) || only == ScenarioSelection.All)
                    {
                        error = $"--only must be proxy, swaps or grpc, not '{value}'";
                        return null;
                    }

                    break;
                default:
                    error = $"unknown argument '{args[i]}'";
                    return null;
            }
        }

        error = null;
        return new BenchmarkOptions(smoke, output, only, mayInstall);
    }
}
