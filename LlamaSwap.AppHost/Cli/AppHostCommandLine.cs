namespace LlamaSwap.AppHost.Cli;

internal enum AppHostCommand { Run, Validate, Help }

/// <summary>The AppHost's command line: <c>[validate] [--config FILE] [--config-dir DIR] [--listen ADDR] [--dashboard ADDR]</c>.</summary>
internal sealed record AppHostCommandLine
{
    public const string Usage = """
        Usage: dotnet run --project LlamaSwap.AppHost -- [validate] [options]

          validate            check the configuration, print a summary and exit (0 valid, 1 invalid)

        Options:
          --config FILE       configuration file (default: models.yaml)
          --config-dir DIR    directory of *.yaml/*.yml files merged after --config
          --listen ADDR       the Proxy's address (default: localhost:8080)
          --dashboard ADDR    the dashboard's address (default: localhost:18888)
          -h, --help          show this help
        """;

    public AppHostCommand Command { get; init; } = AppHostCommand.Run;
    public string? ConfigFile { get; init; }
    public string? ConfigDirectory { get; init; }
    public string Listen { get; init; } = "localhost:8080";
    public string Dashboard { get; init; } = "localhost:18888";

    /// <summary>Parses <paramref name="args"/>; on failure returns null and a message naming the bad argument.</summary>
    public static AppHostCommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        var result = new AppHostCommandLine();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "validate" when i == 0:
                    result = result with { Command = AppHostCommand.Validate };
                    break;
                case "-h" or "--help":
                    return result with { Command = AppHostCommand.Help };
                case "--config" or "--config-dir" or "--listen" or "--dashboard":
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        error = $"option {arg} needs a value";
                        return null;
                    }
                    var value = args[++i];
                    result = arg switch
                    {
                        "--config" => result with { ConfigFile = value },
                        "--config-dir" => result with { ConfigDirectory = value },
                        "--listen" => result with { Listen = value },
                        _ => result with { Dashboard = value },
                    };
                    break;
                default:
                    error = $"unknown argument '{arg}'";
                    return null;
            }
        }

        if (result.ConfigFile is null && result.ConfigDirectory is null)
            result = result with { ConfigFile = "models.yaml" };
        return result;
    }
}
